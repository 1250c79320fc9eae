"""The Model lab's defaults, in one place: the page's widgets start from them, ``bench lab``
times them, the load bench's lab scenario and the GPU check train with them.

Chosen so a run at the page's defaults takes 10-30 s and visibly learns: a learning rate low
enough that the curves bend over the first epochs instead of dropping at once, and a pace (the
least time an epoch takes on the page) that leaves a viewer time to watch and to press Stop.
Measured by ``shopdl bench lab`` (docs/architecture-notes.md).
"""

from __future__ import annotations

from shopdl_core.recsys.factorisation import FactorisationConfig
from shopdl_core.vision.lab_head import LabHeadConfig

# The photo head: 1e-3 had the validation curve flat after two epochs; 1e-4 climbs for about ten.
PHOTO_HEAD = LabHeadConfig(learning_rate=1e-4, epochs=30)
MLP_HIDDEN = 256  # the page's second head: one hidden layer of this width
PHOTO_PACE_S = 0.5  # the least seconds an epoch takes on the page: 30 epochs, at least 15 s

# The learned recommender: at 0.05 the held-out RMSE fell most of the way in 15 epochs;
# at 0.01 it bends over about 60 of the 150.
RECOMMENDER = FactorisationConfig(factors=16, regularisation=5.0, learning_rate=0.01, epochs=150)
RECOMMENDER_PACE_S = 0.1  # 150 epochs, at least 15 s
MAX_PACE_S = 2.0
HELD_OUT = 0.2  # of each synthetic shopper's ratings, scored after every epoch
