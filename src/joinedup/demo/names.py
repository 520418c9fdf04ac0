"""Invented name lists for the synthetic authority, grouped by naming tradition.

Every list here is a selection of common given and family names, combined at random: no entry
describes a real person, and the names of children in published reviews are never used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Culture:
    """A naming tradition and the DfE ethnicity code and main language that usually go with it."""

    key: str
    weight: float
    ethnicity: str
    language: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    adult_male: tuple[str, ...] = ()
    adult_female: tuple[str, ...] = ()
    # Probability that a mother keeps a family name different from the children's.
    own_surname: float = 0.12


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


CULTURES: tuple[Culture, ...] = (
    Culture(
        "english",
        0.50,
        "WBRI",
        "English",
        _t(
            "Oliver|George|Harry|Jack|Noah|Charlie|Jacob|Alfie|Freddie|Oscar|Leo|Thomas|William|"
            "James|Alexander|Joshua|Samuel|Benjamin|Jonathan|Lewis|Mason|Riley|Ethan|Callum|Kieran|"
            "Jordan|Reece|Connor|Theo|Archie|Toby|Finley|Logan|Harvey|Joseph|Edward|Max"
        ),
        _t(
            "Olivia|Amelia|Isla|Ava|Emily|Sophia|Grace|Mia|Poppy|Ella|Lily|Evie|Isabella|Sophie|"
            "Chloe|Jessica|Rebecca|Charlotte|Elizabeth|Katie|Zoë|Megan|Lauren|Hannah|Bethany|Freya|"
            "Rosie|Millie|Phoebe|Harriet|Imogen|Scarlett|Esme|Matilda|Florence|Margaret"
        ),
        _t(
            "Smith|Jones|Taylor|Brown|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|"
            "White|Roberts|Green|Hall|Wood|Jackson|Clarke|Harrison|Cooper|Ward|Turner|Hill|Baker|"
            "Morris|Mitchell|Shaw|Lloyd|Marsh|Hartley|Pickering|Fairbrother|Ashworth|Whitfield|"
            "Holloway|Bramwell|Sutcliffe|Pennington|Catterall|Grimshaw|Ormerod|Lockwood|Fenton"
        ),
        _t(
            "Stephen|Paul|Mark|Darren|Craig|Lee|Wayne|Gary|Robert|Michael|Christopher|Matthew|"
            "Andrew|Richard|Jason|Dean|Carl|Stuart|Neil|Scott|Anthony|Shane|Ryan|Adam|Luke"
        ),
        _t(
            "Kelly|Michelle|Nicola|Lisa|Claire|Sarah|Emma|Gemma|Leanne|Donna|Joanne|Stacey|"
            "Natalie|Kirsty|Amy|Jodie|Danielle|Samantha|Rachel|Louise|Hayley|Kayleigh|Jade|Toni"
        ),
        0.10,
    ),
    Culture(
        "irish",
        0.03,
        "WIRI",
        "English",
        _t(
            "Ciarán|Seán|Pádraig|Eoin|Cian|Oisín|Darragh|Conor|Liam|Niall|Ronan|Declan|Cathal|"
            "Patrick|Fionn|Tadhg|Colm|Ruairí"
        ),
        _t(
            "Aoife|Niamh|Siobhán|Saoirse|Orla|Róisín|Caoimhe|Clodagh|Gráinne|Sinéad|Aisling|"
            "Éabha|Ciara|Bríd|Maeve|Nuala|Úna"
        ),
        _t(
            "Murphy|O'Brien|O'Sullivan|Byrne|Kelly|Walsh|O'Connor|Ryan|McCarthy|Doyle|Brennan|"
            "Gallagher|Doherty|Kavanagh|Ó Briain|McLoughlin|Nolan|Quinlan|Fitzgerald"
        ),
    ),
    Culture(
        "polish",
        0.07,
        "WOTH",
        "Polish",
        _t(
            "Jakub|Jan|Antoni|Szymon|Filip|Aleksander|Kacper|Mikołaj|Wojciech|Łukasz|Mateusz|"
            "Tomasz|Piotr|Krzysztof|Paweł|Bartosz|Oskar|Oliwer|Igor|Marcel"
        ),
        _t(
            "Zofia|Zuzanna|Julia|Maja|Hanna|Lena|Alicja|Oliwia|Amelia|Natalia|Katarzyna|"
            "Małgorzata|Agnieszka|Aleksandra|Magdalena|Joanna|Weronika|Jana|Marta|Kinga"
        ),
        _t(
            "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|"
            "Szymański|Woźniak|Dąbrowski|Kozłowski|Jankowski|Mazur|Krawczyk|Piotrowski|"
            "Grabowski|Pawłowski|Michalski|Król|Wieczorek|Jabłoński|Nowicki|Sadowski"
        ),
        _t("Mariusz|Grzegorz|Dariusz|Marek|Andrzej|Robert|Sławomir|Rafał|Przemysław|Adam"),
        _t("Ewa|Beata|Dorota|Monika|Anna|Iwona|Justyna|Sylwia|Edyta|Renata"),
        0.05,
    ),
    Culture(
        "romanian",
        0.05,
        "WOTH",
        "Romanian",
        _t(
            "Andrei|Alexandru|Ștefan|Mihai|Ionuț|Cătălin|Răzvan|Bogdan|Florin|Gheorghe|Vasile|"
            "Adrian|Cristian|Darius|Luca|Sebastian|Marius|Costel"
        ),
        _t(
            "Ioana|Andreea|Maria|Elena|Mădălina|Alexandra|Ana|Bianca|Denisa|Raluca|Georgiana|"
            "Irina|Roxana|Ștefania|Daria|Ilinca|Sara|Medeea"
        ),
        _t(
            "Popescu|Ionescu|Popa|Dumitru|Stan|Stoica|Gheorghe|Rusu|Munteanu|Matei|Constantin|"
            "Șerban|Rădulescu|Dinu|Lungu|Mureșan|Ciobanu|Tudor|Bălan|Dobre|Năstase"
        ),
        own_surname=0.08,
    ),
    Culture(
        "lithuanian",
        0.025,
        "WOTH",
        "Lithuanian",
        _t("Jonas|Tomas|Lukas|Mantas|Dovydas|Paulius|Matas|Domantas|Kajus|Nojus|Arnas|Žygimantas"),
        _t("Gabija|Ieva|Austėja|Rūta|Eglė|Greta|Emilija|Kamilė|Urtė|Goda|Saulė|Aušra"),
        _t(
            "Kazlauskas|Jankauskas|Petrauskas|Stankevičius|Vasiliauskas|Žukauskas|Butkus|"
            "Paulauskas|Urbonas|Kavaliauskas|Navickas|Ramanauskas|Savickas|Mockus|Žilinskas"
        ),
        own_surname=0.05,
    ),
    Culture(
        "pakistani",
        0.08,
        "APKN",
        "Urdu",
        _t(
            "Muhammad|Ali|Hamza|Zain|Ibrahim|Bilal|Usman|Hassan|Ayaan|Rayyan|Imran|Tariq|Faisal|"
            "Adnan|Asif|Kamran|Haris|Yusuf|Zakariya|Musa"
        ),
        _t(
            "Aisha|Maryam|Zara|Hafsa|Fatima|Amina|Safiya|Noor|Hira|Sana|Iqra|Mahnoor|Nadia|"
            "Samina|Shazia|Khadija|Aleena|Zainab|Eman"
        ),
        _t(
            "Khan|Hussain|Ahmed|Iqbal|Malik|Akhtar|Shah|Mahmood|Butt|Qureshi|Rashid|Raza|Anwar|"
            "Mirza|Chaudhry|Bashir|Javed|Aslam|Nawaz|Saleem"
        ),
        own_surname=0.40,
    ),
    Culture(
        "bengali",
        0.04,
        "ABAN",
        "Bengali",
        _t(
            "Abdul|Rahim|Sabbir|Tanvir|Rafiq|Shahid|Arif|Nazmul|Mahfuz|Ayan|Ishraq|Tahmid|"
            "Sami|Rayhan|Jubayer|Mohammed"
        ),
        _t(
            "Nusrat|Sumaiya|Tahmina|Farzana|Rumana|Shirin|Jannat|Ruksana|Sadia|Tasnim|Lamia|"
            "Nabila|Ayesha|Maliha|Samiha|Raisa"
        ),
        _t("Miah|Uddin|Rahman|Islam|Hoque|Chowdhury|Ali|Hossain|Ahmed|Sarker|Talukder|Khan"),
        own_surname=0.60,
    ),
    Culture(
        "somali",
        0.04,
        "BAFR",
        "Somali",
        _t(
            "Abdi|Abdirahman|Abdullahi|Mohamed|Hassan|Yusuf|Omar|Ahmed|Ismail|Liban|Mahad|"
            "Khalid|Bashir|Guled|Hamse|Mustafe"
        ),
        _t(
            "Hodan|Amina|Hibo|Fadumo|Sahra|Ayaan|Nasra|Ifrah|Ubah|Deeqa|Khadra|Filsan|Ladan|"
            "Sagal|Muna|Hamdi"
        ),
        _t(
            "Abdi|Ali|Hassan|Mohamed|Warsame|Farah|Jama|Osman|Duale|Egal|Aden|Hersi|Nur|Elmi|"
            "Ismail|Mohamud|Hussein|Yusuf"
        ),
        own_surname=0.95,
    ),
    Culture(
        "nigerian",
        0.05,
        "BAFR",
        "Yoruba",
        _t(
            "Chukwuemeka|Oluwaseun|Oluwatobi|Tunde|Emeka|Chinedu|Adebayo|Femi|Kayode|Obinna|"
            "Ifeanyi|Babatunde|Samuel|Joshua|Tobiloba|Ayomide|Chidi|Kelechi"
        ),
        _t(
            "Chiamaka|Ngozi|Adaeze|Oluwadamilola|Funmilayo|Temitope|Folake|Blessing|Precious|"
            "Chidinma|Ifeoma|Yetunde|Abimbola|Titilayo|Chidera|Morenike|Adaora"
        ),
        _t(
            "Okafor|Adeyemi|Okonkwo|Balogun|Eze|Nwosu|Adebayo|Ogunleye|Olawale|Chukwu|Obi|"
            "Afolabi|Nnamdi|Oyelaran|Akinola|Okoro|Adewale|Onyeka"
        ),
        own_surname=0.15,
    ),
    Culture(
        "caribbean",
        0.04,
        "BCRB",
        "English",
        _t(
            "Jermaine|Tyrone|Marcus|Andre|Dwayne|Kyle|Jaden|Kai|Malachi|Nathaniel|Isaiah|"
            "Elijah|Leon|Delroy|Winston|Micah|Omari|Tyrese"
        ),
        _t(
            "Shanice|Tanisha|Aaliyah|Jada|Kiara|Imani|Naomi|Simone|Monique|Chantelle|Keisha|"
            "Tiana|Zuri|Latoya|Amara|Nia"
        ),
        _t(
            "Campbell|Brown|Thompson|Clarke|Grant|Francis|Forbes|Reid|Gayle|Bailey|Walters|"
            "McKenzie|Stewart|Powell|Samuels|Edwards|Barrett|Henry"
        ),
        own_surname=0.30,
    ),
    Culture(
        "indian",
        0.03,
        "AIND",
        "Gujarati",
        _t(
            "Arjun|Rohan|Aarav|Vihaan|Krish|Dev|Rajesh|Sanjay|Vikram|Harpreet|Gurpreet|"
            "Manpreet|Jaspreet|Ishaan|Kiran|Nikhil"
        ),
        _t(
            "Priya|Anjali|Diya|Ananya|Kavya|Meera|Pooja|Sunita|Neha|Simran|Navdeep|Rupinder|"
            "Riya|Aanya|Jasleen|Nisha"
        ),
        _t(
            "Patel|Shah|Mistry|Parmar|Solanki|Chauhan|Sandhu|Gill|Dhillon|Sidhu|Sharma|Joshi|"
            "Bhatt|Desai|Grewal"
        ),
        own_surname=0.10,
    ),
)

CULTURE_BY_KEY: dict[str, Culture] = {c.key: c for c in CULTURES}

# DfE ethnicity codes for children of parents from different traditions.
MIXED_ETHNICITY: dict[frozenset[str], str] = {
    frozenset({"WBRI", "BCRB"}): "MWBC",
    frozenset({"WBRI", "BAFR"}): "MWBA",
    frozenset({"WBRI", "APKN"}): "MWAS",
    frozenset({"WBRI", "ABAN"}): "MWAS",
    frozenset({"WBRI", "AIND"}): "MWAS",
}

# Names that must never be generated: the children and adults of published reviews.
FORBIDDEN_NAMES: frozenset[str] = frozenset(
    {
        "Victoria",
        "Daniel",
        "Keanu",
        "Khyra",
        "Arthur",
        "Star",
        "Climbié",
        "Climbie",
        "Pelka",
        "Williams",
        "Ishaq",
        "Labinjo-Hughes",
        "Hughes",
        "Hobson",
    }
)


def feminine_surname(surname: str, culture: str, *, married: bool) -> str:
    """The form of a family name a woman or girl carries, where the language inflects it."""
    if culture == "polish":
        for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(male):
                return surname[: -len(male)] + female
        return surname
    if culture == "lithuanian":
        for male, wife, daughter in (
            ("ius", "ienė", "iūtė"),
            ("as", "ienė", "aitė"),
            ("is", "ienė", "ytė"),
            ("us", "ienė", "ūtė"),
        ):
            if surname.endswith(male):
                return surname[: -len(male)] + (wife if married else daughter)
    return surname


def masculine_surname(surname: str) -> str:
    """Undo a Polish or Lithuanian feminine ending (for a son given his mother's name)."""
    for female, male in (
        ("ska", "ski"),
        ("cka", "cki"),
        ("dzka", "dzki"),
        ("ienė", "as"),
        ("aitė", "as"),
        ("iūtė", "ius"),
        ("ytė", "is"),
        ("ūtė", "us"),
    ):
        if surname.endswith(female):
            return surname[: -len(female)] + male
    return surname
