"""Recommendations: user-user collaborative filtering, content filtering over catalogue
features, their hybrid, cold start, evaluation metrics and the data sets they run on.

Everything works on a dense rating matrix ``values`` of shape (shoppers, products) where
0 means "not rated" and known ratings lie in [1, 5]. Inputs are validated once, in
``ratings.py`` (tables from the page) and ``movielens.py`` (files); inner functions trust them.
"""
