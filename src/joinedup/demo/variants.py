"""How a name drifts between agencies: nicknames, spellings, transliterations, lost diacritics."""

from __future__ import annotations

import random
import unicodedata

# Everyday and affectionate forms, as a parent gives them or a child asks to be called.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexander": ("Alex", "Sasha", "Xander"),
    "Aleksander": ("Olek", "Alek"),
    "Aleksandra": ("Ola", "Ala"),
    "Alexandra": ("Alex", "Sandra"),
    "Alexandru": ("Alex", "Sandu"),
    "William": ("Billy", "Will", "Liam"),
    "Thomas": ("Tom", "Tommy"),
    "James": ("Jamie", "Jim"),
    "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben", "Benji"),
    "Jonathan": ("Jon", "Jonny"),
    "Joshua": ("Josh",),
    "Edward": ("Ed", "Teddy"),
    "Frederick": ("Freddie",),
    "Matthew": ("Matt",),
    "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",),
    "Robert": ("Rob", "Bob", "Robbie"),
    "Richard": ("Rich", "Ricky"),
    "Anthony": ("Tony", "Ant"),
    "Stephen": ("Steve",),
    "Elizabeth": ("Beth", "Liz", "Lizzie"),
    "Margaret": ("Maggie", "Peggy"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess",),
    "Isabella": ("Bella", "Izzy"),
    "Charlotte": ("Lottie", "Charlie"),
    "Samantha": ("Sam",),
    "Natalie": ("Nat",),
    "Katarzyna": ("Kasia", "Kaśka"),
    "Małgorzata": ("Gosia", "Małgosia"),
    "Agnieszka": ("Aga",),
    "Zofia": ("Zosia",),
    "Jakub": ("Kuba",),
    "Wojciech": ("Wojtek",),
    "Mikołaj": ("Miki",),
    "Magdalena": ("Madzia", "Magda"),
    "Krzysztof": ("Krzyś",),
    "Przemysław": ("Przemek",),
    "Grzegorz": ("Grzesiek",),
    "Mateusz": ("Mati",),
    "Ionuț": ("Ionut",),
    "Gheorghe": ("George",),
    "Ștefan": ("Stefan", "Fane"),
    "Oluwaseun": ("Seun",),
    "Oluwatobi": ("Tobi",),
    "Oluwadamilola": ("Dami", "Lola"),
    "Chukwuemeka": ("Emeka",),
    "Babatunde": ("Tunde",),
    "Funmilayo": ("Funmi",),
    "Temitope": ("Tope", "Temi"),
    "Tobiloba": ("Tobi",),
    "Abdullahi": ("Abdi",),
    "Abdirahman": ("Abdi",),
    "Muhammad": ("Mo",),
    "Mohammed": ("Mo",),
    "Mohamed": ("Mo",),
    "Zakariya": ("Zak",),
    "Ibrahim": ("Ibby",),
    "Patrick": ("Paddy", "Pat"),
    "Pádraig": ("Paddy",),
    "Nathaniel": ("Nate", "Nathan"),
    "Elijah": ("Eli",),
    "Dovydas": ("Dovis",),
    "Žygimantas": ("Žygis",),
    "Harpreet": ("Harry",),
    "Gurpreet": ("Gary",),
}

# Spellings of the same name that different clerks and systems produce.
SPELLING_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Muhammad", "Mohammed", "Mohamed", "Mohammad", "Muhammed"),
    ("Aisha", "Ayesha", "Aysha", "Aishah"),
    ("Yusuf", "Yousef", "Youssef", "Yusef"),
    ("Abdirahman", "Abdurahman", "Abdulrahman"),
    ("Khadija", "Khadijah", "Khadeeja"),
    ("Hussain", "Hussein", "Husain", "Hossain"),
    ("Chowdhury", "Choudhury", "Chaudhry", "Chowdhry"),
    ("Rahman", "Rehman"),
    ("Uddin", "Udin", "Uddeen"),
    ("Mohamud", "Mahamud", "Mohamoud"),
    ("Zoë", "Zoe", "Zoey"),
    ("Sean", "Shaun", "Shawn"),
    ("Seán", "Sean", "Shaun"),
    ("Niamh", "Neve", "Neeve"),
    ("Aoife", "Eefa", "Ifa"),
    ("Siobhán", "Siobhan", "Shivaun"),
    ("Stephen", "Steven"),
    ("Catherine", "Kathryn", "Katherine"),
    ("Sophie", "Sofie", "Sophy"),
    ("Oliwia", "Olivia"),
    ("Jakub", "Jacob", "Jakob"),
    ("Aleksander", "Alexander"),
    ("Andreea", "Andrea"),
    ("Ionuț", "Ionut", "Ionutz"),
    ("Mihai", "Mihail"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Omar", "Umar"),
    ("Hamza", "Hamzah"),
    ("Zain", "Zayn", "Zane"),
    ("Nur", "Noor", "Nour"),
    ("Hodan", "Hoodan"),
    ("Jermaine", "Germaine"),
    ("Aaliyah", "Aliyah", "Aleah"),
    ("Kayleigh", "Kayley", "Kaylee"),
    ("Leanne", "Lianne"),
    ("Callum", "Calum"),
    ("Reece", "Rhys", "Reese"),
    ("Freya", "Freyja"),
    ("Isla", "Islay"),
    ("McKenzie", "MacKenzie", "Mckenzie"),
    ("McLoughlin", "McLaughlin", "MacLoughlin"),
    ("O'Brien", "OBrien", "O Brien", "O'Bryan"),
    ("O'Sullivan", "OSullivan", "O Sullivan"),
    ("O'Connor", "OConnor", "O'Conner"),
    ("Ó Briain", "O'Brien", "O Briain"),
    ("Chukwu", "Chuku"),
    ("Adeyemi", "Adeyemmi"),
)

SPELLINGS: dict[str, tuple[str, ...]] = {}
for _group in SPELLING_GROUPS:
    for _name in _group:
        SPELLINGS[_name] = tuple(n for n in _group if n != _name)

# Given names for twins that parents choose to sound alike: (name, sex, name, sex).
TWIN_PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("Ava", "F", "Eva", "F"),
    ("Jan", "M", "Jana", "F"),
    ("Mia", "F", "Maya", "F"),
    ("Lily", "F", "Lila", "F"),
    ("Amir", "M", "Amira", "F"),
    ("Leo", "M", "Leon", "M"),
    ("Ella", "F", "Ellie", "F"),
    ("Oskar", "M", "Oliwer", "M"),
    ("Hassan", "M", "Hussein", "M"),
    ("Ioana", "F", "Ilinca", "F"),
    ("Chidi", "M", "Chidera", "F"),
    ("Tomas", "M", "Tamas", "M"),
    ("Aisha", "F", "Ayesha", "F"),
    ("Rowan", "M", "Rowena", "F"),
    ("Kai", "M", "Kia", "F"),
    ("Zara", "F", "Zahra", "F"),
)

_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d"})


def strip_diacritics(text: str) -> str:
    """Wiśniewska -> Wisniewska, Zoë -> Zoe, Łukasz -> Lukasz, Ștefan -> Stefan."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_VOWELS = "aeiou"


def misspell(rng: random.Random, name: str) -> str:
    """A keying or hearing error: a known variant, or a transposed, dropped or doubled letter."""
    known = SPELLINGS.get(name)
    if known and rng.random() < 0.6:
        return rng.choice(known)
    if len(name) < 4:
        return name + name[-1]
    i = rng.randrange(1, len(name) - 1)
    roll = rng.random()
    if roll < 0.35:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if roll < 0.6:
        return name[:i] + name[i + 1 :]
    if roll < 0.8:
        return name[:i] + name[i] + name[i:]
    if name[i].lower() in _VOWELS:
        return name[:i] + rng.choice([v for v in _VOWELS if v != name[i].lower()]) + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def nickname(rng: random.Random, name: str) -> str | None:
    forms = NICKNAMES.get(name)
    return rng.choice(forms) if forms else None


def half_of_double(rng: random.Random, surname: str) -> str | None:
    """Only one half of a hyphenated or double family name, as many systems keep it."""
    for sep in ("-", " "):
        if sep in surname and not surname.startswith(("O ", "Ó ")):
            parts = surname.split(sep)
            return rng.choice(parts)
    return None
