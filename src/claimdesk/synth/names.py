"""Small built-in lists for synthetic people and places. Every person made from them is fictional.

Phone numbers use the 555-0100..0199 range, which is reserved for fiction; towns are real places
in one state so that city, state and ZIP prefix agree.
"""

from __future__ import annotations

LAST_NAMES = (
    "Abbott", "Alvarez", "Bailey", "Bennett", "Brooks", "Castillo", "Chen", "Coleman", "Cruz",
    "Dawson", "Diaz", "Ellis", "Fischer", "Foster", "Garcia", "Gordon", "Griffin", "Hale",
    "Hansen", "Hughes", "Ibrahim", "Jensen", "Kaur", "Kim", "Kowalski", "Lambert", "Lopez",
    "Mahoney", "Martin", "Mendoza", "Murphy", "Nguyen", "Novak", "Olsen", "Patel", "Perry",
    "Quinn", "Ramirez", "Reyes", "Richter", "Russo", "Sanders", "Schmidt", "Shah", "Sullivan",
    "Thompson", "Turner", "Vasquez", "Walsh", "Weber", "Williams", "Young", "Zimmerman",
)  # fmt: skip
FEMALE_FIRST_NAMES = (
    "Abigail", "Amara", "Ana", "Beatriz", "Chloe", "Dana", "Elena", "Emily", "Fatima", "Grace",
    "Hannah", "Imani", "Isabel", "Julia", "Karen", "Laura", "Leah", "Linda", "Maria", "Maya",
    "Megan", "Nadia", "Nora", "Olivia", "Priya", "Rachel", "Rosa", "Ruth", "Sara", "Sofia",
    "Tara", "Valerie", "Wendy", "Yasmin", "Zoe",
)  # fmt: skip
MALE_FIRST_NAMES = (
    "Aaron", "Ahmed", "Andre", "Ben", "Carlos", "Daniel", "David", "Eli", "Ethan", "Felix",
    "Gabriel", "George", "Henry", "Isaac", "James", "Jamal", "Jose", "Kevin", "Liam", "Lucas",
    "Mark", "Mateo", "Michael", "Nathan", "Omar", "Patrick", "Raj", "Robert", "Samuel", "Thomas",
    "Victor", "Walter", "William", "Xavier", "Yusuf",
)  # fmt: skip
STREET_NAMES = (
    "Maple", "Oak", "Cedar", "Elm", "Walnut", "Chestnut", "Willow", "Sycamore", "Birch", "Hickory",
    "Lincoln", "Washington", "Jefferson", "Franklin", "Madison", "High", "Main", "Church",
    "River", "Lake", "Park", "Hill", "Spring", "Meadow", "Ridge",
)  # fmt: skip
STREET_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way")
# (city, state, first three digits of its ZIP codes)
TOWNS = (
    ("Columbus", "OH", "432"),
    ("Dublin", "OH", "430"),
    ("Westerville", "OH", "430"),
    ("Newark", "OH", "430"),
    ("Delaware", "OH", "430"),
    ("Lancaster", "OH", "431"),
    ("Marion", "OH", "433"),
    ("Zanesville", "OH", "437"),
    ("Mansfield", "OH", "449"),
    ("Chillicothe", "OH", "456"),
)
AREA_CODES = ("614", "740", "380", "419")
