"""The words shoppers use for each kind, colour, department and style: one table, two languages.

Captions for the training photos are built from these words only (search/captions.py). The
held-out queries (assets/data/search_queries) were written with other words, so that they
measure how search reads a wording it was not taught.
"""

from __future__ import annotations

# Per photo class (config.PHOTO_CLASSES): the nouns for it, English then Chinese.
KIND_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dress": (("dress", "sundress", "maxi dress", "midi dress", "gown"),
              ("连衣裙", "长裙", "吊带裙", "礼服", "裙装")),
    "hat": (("hat", "cap", "beanie", "baseball cap", "sun hat"),
            ("帽子", "鸭舌帽", "棒球帽", "毛线帽", "遮阳帽")),
    "longsleeve": (("long-sleeve top", "long sleeve t-shirt", "sweatshirt", "sweater", "jumper"),
                   ("长袖", "长袖T恤", "长袖上衣", "卫衣", "毛衣")),
    "outwear": (("jacket", "coat", "puffer jacket", "parka", "windbreaker", "raincoat"),
                ("外套", "夹克", "大衣", "羽绒服", "风衣", "棉服")),
    "pants": (("trousers", "pants", "jeans", "joggers", "chinos"),
              ("裤子", "长裤", "牛仔裤", "休闲裤", "运动裤")),
    "shirt": (("shirt", "button-up shirt", "blouse", "dress shirt", "flannel shirt"),
              ("衬衫", "衬衣", "格子衬衫", "正装衬衫", "女士衬衫")),
    "shoes": (("shoes", "sneakers", "trainers", "boots", "sandals", "running shoes"),
              ("鞋", "鞋子", "运动鞋", "球鞋", "靴子", "凉鞋")),
    "shorts": (("shorts", "denim shorts", "running shorts", "board shorts"),
               ("短裤", "牛仔短裤", "运动短裤", "沙滩裤")),
    "skirt": (("skirt", "mini skirt", "pleated skirt", "pencil skirt"),
              ("半身裙", "短裙", "百褶裙", "A字裙")),
    "t-shirt": (("t-shirt", "tee", "t shirt", "short-sleeve top"),
                ("T恤", "短袖", "短袖T恤", "体恤")),
}

# Per colour of the projection's input (projection.COLOUR_NAMES): English, then Chinese words for it.
COLOUR_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "black": (("black",), ("黑色", "黑")),
    "white": (("white",), ("白色", "白")),
    "grey": (("grey", "gray"), ("灰色", "灰")),
    "beige": (("beige", "cream"), ("米色", "米白色")),
    "brown": (("brown",), ("棕色", "咖色")),
    "red": (("red",), ("红色", "红")),
    "pink": (("pink",), ("粉色", "粉红色")),
    "yellow": (("yellow",), ("黄色", "黄")),
    "green": (("green",), ("绿色", "绿")),
    "blue": (("blue",), ("蓝色", "蓝")),
    "navy": (("navy", "dark blue"), ("藏青色", "深蓝色")),
}

# Per department (config.PHOTO_CLASS_DEPARTMENT's values): English, then Chinese.
DEPARTMENT_WORDS: dict[str, tuple[str, str]] = {
    "Tops": ("tops", "上衣"),
    "Bottoms": ("bottoms", "下装"),
    "Dresses": ("dresses", "裙装"),
    "Outerwear": ("outerwear", "外套"),
    "Footwear": ("footwear", "鞋履"),
    "Accessories": ("accessories", "配饰"),
}

# Per photo class: the styles and seasons shoppers attach to it, English then Chinese.
STYLE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dress": (("summer", "evening", "casual", "party"), ("夏季", "晚宴", "休闲", "派对")),
    "hat": (("winter", "summer", "sport"), ("冬季保暖", "夏天防晒", "运动")),
    "longsleeve": (("casual", "warm", "autumn"), ("休闲", "保暖", "秋季")),
    "outwear": (("winter", "warm", "outdoor", "rain"), ("冬季", "保暖", "户外", "防风")),
    "pants": (("casual", "office", "sport"), ("休闲", "通勤", "运动")),
    "shirt": (("office", "formal", "casual"), ("通勤", "正式", "休闲")),
    "shoes": (("sport", "running", "casual", "formal"), ("运动", "跑步", "休闲", "正式")),
    "shorts": (("summer", "sport", "beach"), ("夏季", "运动", "沙滩")),
    "skirt": (("summer", "office", "casual"), ("夏季", "通勤", "休闲")),
    "t-shirt": (("summer", "casual", "basic"), ("夏季", "休闲", "基础款")),
}


def caption_nouns() -> set[str]:
    """Every kind word of the table, lower-cased (both languages)."""
    return {word.lower() for english, chinese in KIND_WORDS.values() for word in (*english, *chinese)}
