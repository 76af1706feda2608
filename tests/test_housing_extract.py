"""Text field extraction from housing ads (eduscrape.housing.extract).

The ads below are written for these tests (no real postings). The last block is
a small hand-labelled set for the fields Craigslist has no labels for (deposit,
phone, email, built year, floors).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _support import shared_data

from eduscrape.housing.evaluation import join_labels, score_labelled
from eduscrape.housing.extract import AMENITIES, FIELDS, extract_fields, merge_fields


def test_returns_every_field_name() -> None:
    out = extract_fields("Nice place", "Call us.", "2026-07-01")
    assert set(FIELDS) | set(AMENITIES) == set(out)
    assert all(out[f] is None for f in ("rent", "bedrooms", "bathrooms", "available_date"))


def test_title_wins_for_objective_numbers() -> None:
    out = extract_fields(
        "$1,450 / 2br - 900ft2 - Bright corner unit",
        "We also have a 3 bedroom for $1,900 and a 1 bedroom at $1,100.",
        "2026-07-01",
    )
    assert out["rent"] == 1450
    assert out["bedrooms"] == 2
    assert out["size_sqft"] == 900


def test_rent_and_deposit_respectively() -> None:
    out = extract_fields("Quiet 1BR", "Rent and deposit are $1895 and $1000 respectively.")
    assert out["rent"] == 1895
    assert out["deposit"] == 1000


def test_number_formats_and_words() -> None:
    out = extract_fields(
        "Charming two-bedroom flat",
        "Monthly rent is $1,600.0, about 1800 sq. ft. with one and a half baths.",
    )
    assert out["rent"] == 1600
    assert out["size_sqft"] == 1800
    assert out["bedrooms"] == 2
    assert out["bathrooms"] == 1.5
    assert out["type"] == "flat"


def test_one_months_rent_deposit_equals_rent() -> None:
    out = extract_fields("Studio downtown", "Rent $1,275/mo. Deposit equal to one month's rent.")
    assert out["rent"] == 1275
    assert out["deposit"] == 1275
    assert out["bedrooms"] == 0


def test_a_deposit_ranging_up_to_a_months_rent_is_not_rent() -> None:
    body = "This apartment requires a $$500-1 months rent deposit. Rent is $1,450/month."
    out = extract_fields("One bedroom on H Street", body)
    assert out["rent"] == 1450
    assert out["deposit"] == 500


def test_fees_and_income_are_not_rent() -> None:
    out = extract_fields(
        "Great location",
        "Application fee $45. Income must be $3,600 per month. Pet fee: $300.\nRent: $1,200",
    )
    assert out["rent"] == 1200


def test_income_limit_tables_are_not_rent() -> None:
    for body in (
        "Income limits: 1 person $38,760 / 2 persons $44,280 / 3 persons $49,320. Call today!",
        "Household Size | Max Income\n1 | $38,760\n2 | $44,280\n3 | $49,320\n4 | $55,320",
        "Maximum income: $38,760 $44,280 $49,320 $54,780",
        "Must qualify: $38,760 - $44,280 - $49,320",
        "Annual income must be at least $36,000 per year ($3,000/month).",
    ):
        assert extract_fields("Affordable 2BR apartments", body)["rent"] is None, body
    body = "Rent: $1,034/month (60% AMI).\nMax income\n1 person $38,760\n2 persons $44,280"
    assert extract_fields("2BR", body)["rent"] == 1034
    # Rents by income level: a table of several rents, none of them this ad's.
    body = "Rents by income: 30% AMI $650 | 50% AMI $1,050 | 60% AMI $1,250"
    assert extract_fields("2BR apartments", body)["rent"] is None


def test_fees_by_kind_and_no_rent_from_fees_alone() -> None:
    body = (
        "Application fee: $50. Pet fee $300. Admin fee $150. Holding fee $200. Pet rent $25/month."
    )
    out = extract_fields("Nice 2BR", body)
    assert out["rent"] is None and out["deposit"] is None
    assert out["fees"] == {
        "application": 50,
        "pet": 300,
        "admin": 150,
        "holding": 200,
        "pet_rent": 25,
    }
    out = extract_fields("Nice 2BR", "$50 application fee, $150 admin fee, $300 pet fee")
    assert (out["rent"], out["fees"]) == (None, {"application": 50, "admin": 150, "pet": 300})
    out = extract_fields("Nice 2BR", "Fees: $45 application\n$200 holding\n$350 non-refundable")
    assert (out["rent"], out["fees"]) == (None, {"application": 45, "holding": 200, "other": 350})
    body = "Rent: $1,250/mo. Deposit: $1,250. Application fee $40 per adult. Pet deposit $300."
    out = extract_fields("2BR", body)
    assert (out["rent"], out["deposit"]) == (1250, 1250)
    assert out["fees"] == {"application": 40, "pet_deposit": 300}
    assert extract_fields("", "Rent $1,200.")["fees"] is None


def test_amounts_of_other_roles_are_not_rent() -> None:
    cases = {
        "3 bed 2 bath for sale $185,000. Owner financing.": None,  # sale price
        "Parking: $75/month per space. Storage units $40/mo.": None,  # fees
        "Security deposit $500. $35 application.": None,
        "Was $1,400, now $1,300! $99 move-in special. $500 off first month.": 1300,
        "Rent is $1,250 includes water and trash.": 1250,
        "Rent is $1,450. Water/sewer/trash $75 per month.": 1450,
        # An ad priced by the week only: Craigslist's price is the weekly rate.
        "Rooms from $350/week, $69 per night": 350,
        # Income requirements and move-in specials.
        "Income must be 3x the rent ($3,600). Call us.": None,
        "Move in for $500! 2 bed 1 bath.": None,
        "Rent: $14,400 per year": None,
        # Three units' prices and none in the title: any pick is a guess.
        "Units at $900, $1,100 and $1,400 available now.": None,
    }
    for body, rent in cases.items():
        assert extract_fields("Home", body)["rent"] == rent, body


def test_rent_named_as_rent_wins_over_bare_amounts() -> None:
    body = "Beautiful home. $300 for the appliances package.\nMonthly rent: $1,150"
    assert extract_fields("2 bed house", body)["rent"] == 1150
    # A range: both ends are rents ("$1026 - $1785/month").
    assert extract_fields("", "1 - 3 bedroom | $1026 - $1785/month")["rent"] == 1026


def test_implausible_rent_size_and_date_abstain() -> None:
    # $100 is not the rent of a 2BR; $49,320 is nobody's monthly rent.
    assert (
        extract_fields("2 bedroom 1 bath", "Rent $100 per month off for military.")["rent"] is None
    )
    assert extract_fields("1BR", "Rent: $49,320")["rent"] is None
    assert extract_fields("Room for rent", "Room for rent $450/month.")["rent"] == 450
    # A 3BR is not 300 sq ft, a studio not 4,000.
    assert extract_fields("3 bedroom house", "300 sq ft deck")["size_sqft"] is None
    assert extract_fields("Studio", "4,000 sq ft fitness center")["size_sqft"] is None
    assert extract_fields("3 bedroom house", "1,450 sq ft")["size_sqft"] == 1450
    # "available June 1st" posted in August: not next June, not two months ago.
    assert extract_fields("", "Available June 1st.", "2022-08-20")["available_date"] is None
    out = extract_fields("", "Available September 1st.", "2022-08-20")
    assert out["available_date"] == "2022-09-01"
    out = extract_fields("", "Available January 5.", "2022-11-20")
    assert out["available_date"] == "2023-01-05"


def test_negations_for_pets_smoking_furniture() -> None:
    out = extract_fields("2BR house", "Sorry, no pets. Non-smoking. Unfurnished.")
    assert out["cats_ok"] is False and out["dogs_ok"] is False
    assert out["smoking"] is False
    assert out["furnished"] is False
    out = extract_fields("1BR", "Cats welcome, no dogs please. Fully furnished.")
    assert out["cats_ok"] is True and out["dogs_ok"] is False
    assert out["furnished"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Available now!", "2026-04-03"),
        ("Move-in immediately.", "2026-04-03"),
        ("Available the first of the month.", "2026-05-01"),
        ("Available mid-April.", "2026-04-15"),
        ("Available June 1st.", "2026-06-01"),
        ("Available 6/15.", "2026-06-15"),
        ("Lease starts on 1st of September", "2026-09-01"),
        # Three months before the posting: stale text, not nine months ahead.
        ("Available January 5", None),
    ],
)
def test_available_dates_resolved_against_posting_date(text: str, expected: str | None) -> None:
    assert extract_fields("Apartment", text, "2026-04-03")["available_date"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Built in 1985, renovated 2019.", 1985),
        ("Year built: 1925.", 1925),
        ("Charming 1920 construction.", 1920),
        ("Rebuilt 1990 engine, garage.", None),
        ("Built-in shelves. 2040 built", None),
    ],
)
def test_built_year(text: str, expected: int | None) -> None:
    assert extract_fields("House", text, "2026-04-03")["built_year"] == expected


def test_floor_plan_lists_are_not_the_units_bedrooms() -> None:
    out = extract_fields("Welcome home", "We offer 1, 2 and 3 bedroom apartments. Pool, gym.")
    assert out["bedrooms"] is None
    assert out["pool"] is True and out["gym"] is True


@pytest.mark.parametrize(
    "body",
    [
        "The Maple offers renovated studio, one and two bedroom apartments.",
        "Value-priced studios in addition to one, two, and three bedroom homes.",
        "Floor plans range from studio apartments to two-bedroom apartments.",
        "Choose a studio or 1-bedroom layout.",
    ],
)
def test_a_studio_in_a_floor_plan_list_is_not_the_units_bedrooms(body: str) -> None:
    assert extract_fields("Welcome home", body)["bedrooms"] is None


def test_a_studio_outside_a_list_is_zero_bedrooms() -> None:
    single = extract_fields("Sunny studio near the park", "Studio with a full kitchen.")
    assert single["bedrooms"] == 0
    body = "Studio and one-bedroom homes. This studio is on the 3rd floor."
    assert extract_fields("", body)["bedrooms"] == 0


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Weekly Rental Furnished Studio", "Full size kitchen, free wifi."),
        ("Extended Stay America", "Furnished Studio - Only 2 Month Minimum!"),
        ("Studio King", "Low weekly rates, housekeeping included."),
    ],
)
def test_an_extended_stay_hotel_studio_gives_no_bedroom_count(title: str, body: str) -> None:
    # Their posters enter these rooms as 1BR; "studio" does not say which count they chose.
    assert extract_fields(title, body)["bedrooms"] is None
    assert extract_fields("Sunny studio", "Weekly trash pickup.")["bedrooms"] == 0


def test_laundry_parking_vocabulary() -> None:
    assert extract_fields("", "Washer/dryer hookups in every unit.")["laundry"] == "w/d hookups"
    assert extract_fields("", "In-unit washer and dryer!")["laundry"] == "w/d in unit"
    assert extract_fields("", "Coin-op laundry in the building.")["laundry"] == "laundry in bldg"
    # Rented machines mean the unit has connections.
    assert extract_fields("", "Washer/dryer rentals available: $50")["laundry"] == "w/d hookups"
    # A bare washer/dryer is the unit's own, unless shared or coin-operated.
    assert extract_fields("", "Dishwasher, washer/dryer, A/C.")["laundry"] == "w/d in unit"
    assert extract_fields("", "Shared washer/dryer in the hall.")["laundry"] is None
    assert extract_fields("", "Coin-op W/D for residents.")["laundry"] is None
    assert extract_fields("", "Detached two-car garage out back.")["parking"] == "detached garage"
    assert extract_fields("", "Plenty of street parking.")["parking"] == "street parking"
    assert extract_fields("", "Driveway parking for 2.")["parking"] == "off-street parking"


def test_sizes_that_are_not_the_living_area_are_skipped() -> None:
    # The upper end of a range, a bound and one room's size say nothing exact.
    assert extract_fields("", "1 bedroom / 1 bath / 619 - 636 sq ft / $1124")["size_sqft"] is None
    assert extract_fields("", "Huge floorplans up to 1300 sq. ft.")["size_sqft"] is None
    assert extract_fields("", "A big (about 222 sf) kitchen.")["size_sqft"] is None
    out = extract_fields("", "2 bed, 2 bath, approximately 1192 Sq. Ft.\n\nOffice hours: 9-5")
    assert out["size_sqft"] == 1192


def test_hedged_laundry_and_parking_phrases() -> None:
    # Hookups "only in" some floor plans: the shared laundry is what every unit has.
    body = "W/D hookups in select 3 bedrooms. Remodeled laundry facilities on site."
    assert extract_fields("", body)["laundry"] == "laundry on site"
    assert extract_fields("", "Coin-operated washer and dryer.")["laundry"] != "w/d in unit"
    assert extract_fields("", "Room for washer and dryer.")["laundry"] == "w/d hookups"
    # The ad's own "parking:" line decides; a list of kinds there means none.
    body = "Parking:: street parking\n\nTwo off-street spots for the landlord."
    assert extract_fields("", body)["parking"] == "street parking"
    assert extract_fields("", "Parking type: garage, covered, off-street")["parking"] is None
    # A community's plural garages and "X or Y" choices are not this unit's parking.
    assert extract_fields("", "Villas with attached garages, pool.")["parking"] is None
    assert extract_fields("", "Off-street or garage parking.")["parking"] is None


def test_negated_laundry_features_are_not_the_units() -> None:
    body = "No w/d in unit, laundry room in basement."
    assert extract_fields("", body)["laundry"] == "laundry on site"
    body = "No washer/dryer hookups. Coin laundry on site."
    assert extract_fields("", body)["laundry"] == "laundry on site"
    assert extract_fields("", "No washer or dryer.")["laundry"] == "no laundry on site"
    assert extract_fields("", "Washer and dryer in unit, no pets.")["laundry"] == "w/d in unit"


def test_parking_only_from_statements_about_this_unit() -> None:
    # What a community's amenities list offers is not this unit's parking.
    body = "Community Amenities:\n- Covered parking\n- Fitness center\n- Surface lot"
    assert extract_fields("", body)["parking"] is None
    body = "Our community offers a pool and garage parking.\nThis unit: driveway parking."
    assert extract_fields("", body)["parking"] == "off-street parking"
    # Negations, options and questions state no kind.
    assert extract_fields("", "No garage parking, street parking only.")["parking"] == (
        "street parking"
    )
    assert extract_fields("", "There is no off-street parking.")["parking"] is None
    assert extract_fields("", "Optional garage parking for $100.")["parking"] is None
    assert extract_fields("", "Can I rent a parking spot? Yes.")["parking"] is None
    assert extract_fields("", "No pets. Off-street parking.")["parking"] == "off-street parking"


def test_bedroom_counts_of_other_units_are_skipped() -> None:
    assert extract_fields("", "Looking for a house with at least 2 bedrooms.")["bedrooms"] is None
    assert extract_fields("", "Some one bedroom units are also available.")["bedrooms"] is None
    assert extract_fields("", "Dedicated creative studio with sound booths.")["bedrooms"] is None


# Hand-labelled ads (written for these tests) for the fields without site labels:
# deposit, phone, email, built year, floors. null = the ad does not state it.
LABELLED = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "housing_labelled.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize("ad", LABELLED, ids=[ad["title"] for ad in LABELLED])
def test_hand_labelled_unlabelled_fields(ad: dict) -> None:
    out = extract_fields(ad["title"], ad["body"], "2026-07-01")
    assert {k: out[k] for k in ad["labels"]} == ad["labels"]


def test_hand_labelled_scores_beat_2009_project() -> None:
    result = score_labelled(LABELLED, extract_fields)
    floor = {"deposit": 0.71, "phone": 0.86, "email": 0.70, "built_year": 0.36, "floors": 0.43}
    assert {f: result[f]["f1"] >= t for f, t in floor.items()} == dict.fromkeys(floor, True)


def test_hand_labelled_real_ads_beat_2009_project() -> None:
    # 80 ads/dev postings drawn with fixed seeds (two batches of 40) and labelled by
    # reading them; the labels file holds ids and values only, the text stays in the data set.
    rows = join_labels(
        Path(__file__).parent / "fixtures" / "housing_dev_labels.jsonl",
        shared_data("ads", "dev", "gold.jsonl"),
    )
    assert len(rows) == 80
    result = score_labelled(rows, extract_fields)
    floor = {"deposit": 0.71, "phone": 0.86, "email": 0.70, "built_year": 0.36, "floors": 0.43}
    assert {f: result[f]["f1"] >= t for f, t in floor.items()} == dict.fromkeys(floor, True)


def test_deposits_stated_after_the_amount_or_as_none() -> None:
    body = "Rent $1500.00 per month $1500.00 security $75.00 Application fee"
    assert extract_fields("2 bed 2 bath", body)["deposit"] == 1500
    assert extract_fields("", "Rent: $789 | Deposit: 250 (150 NREF)")["deposit"] == 250
    assert extract_fields("", "Rent: $2,025 | Security Deposit: $0")["deposit"] == 0
    assert extract_fields("", "No deposit & no credit check required!")["deposit"] == 0
    pet = "Rent $1,200. $350 refundable Pet Deposit per pet."
    assert extract_fields("", pet)["deposit"] is None


def test_emails_obfuscated_with_upper_case_at_but_not_websites() -> None:
    out = extract_fields("", "Email: prestonATkeenermanagement.com")
    assert out["email"] == "preston@keenermanagement.com"
    out = extract_fields("", "Apply online and visit our website at www.example-apts.net!")
    assert out["email"] is None


def test_floors_from_a_unit_described_floor_by_floor() -> None:
    assert extract_fields("", "2 bed apartment on the 2nd & 3rd floor.")["floors"] == 2
    body = "Two 1st floor bedrooms. Full bath on the 1st floor. The 2nd floor offers a den."
    assert extract_fields("Brick Cape Cod", body)["floors"] == 2
    assert extract_fields("", "A 3 story home. Bedrooms on the 2nd floor.")["floors"] == 3
    # Where a unit is, or where several units are, is not how many floors it has.
    for body in (
        "Top floor (third floor) three bedroom unit.",
        "This is a first floor unit. 2nd floor unit also available.",
        "Units available on the 1st and 2nd floor.",
    ):
        assert extract_fields("", body)["floors"] is None, body


def test_contact_formats() -> None:
    for text in ("Call (919) 555-0143", "call 919.555.0143!", "919 555 0143", "tel:9195550143"):
        assert extract_fields("", text)["phone"] == "+19195550143", text
    # A longer digit run is not a phone number, with or without a parenthesis.
    assert extract_fields("", "ref 7(919) 555-0143 and 79195550143")["phone"] is None
    for text in ("jane@example.org", "jane at example dot org", "jane (at) example (dot) org"):
        assert extract_fields("", f"Email {text} today")["email"] == "jane@example.org", text
    assert extract_fields("", "Located at Main St., close to I-40.")["email"] is None
    out = extract_fields("", "Office: 500 Glenwood Ave, Raleigh, NC 27603. Zip 276031 no.")
    assert out["street_address"] == "500 Glenwood Ave"
    assert out["postal_code"] == "27603"


def test_a_number_ending_the_previous_line_is_not_the_next_lines_count() -> None:
    out = extract_fields("", "Bedrooms: 2\nBathrooms: 1\nSquare Feet: 945\nFloors: 2\n")
    assert (out["bedrooms"], out["bathrooms"], out["size_sqft"]) == (2, 1.0, 945)
    out = extract_fields("", "Units: 12\nbedrooms in each are large")
    assert out["bedrooms"] is None


def test_one_kind_of_pet_named_beats_a_generic_no_pets() -> None:
    out = extract_fields("", "Pet: Cats Only\nSorry, no pets, and no smoking.")
    assert (out["cats_ok"], out["dogs_ok"]) == (True, False)
    out = extract_fields(
        "", "Pet Policy: This location accepts cats. $25/pet/month, no pet deposit."
    )
    assert out["cats_ok"] is True
    out = extract_fields("", "Sorry, no pets.")
    assert (out["cats_ok"], out["dogs_ok"]) == (False, False)
    out = extract_fields("", "Dogs only, no cats.")
    assert (out["cats_ok"], out["dogs_ok"]) == (False, True)


def test_street_addresses() -> None:
    assert extract_fields("", "Visit Us: 5040 N New Hope Rd\nRaleigh")["street_address"] == (
        "5040 N New Hope Rd"
    )
    body = "1255 NEW HAMPSHIRE AVE NW | #114 | WASHINGTON, DC"
    assert extract_fields("", body)["street_address"] == "1255 NEW HAMPSHIRE AVE NW"
    # A highway number is not a house number.
    body = "Near I-395 Willow Run at Mark Center.\n935 North Van Dorn St\nAlexandria, VA"
    assert extract_fields("", body)["street_address"] == "935 North Van Dorn St"
    body = "3D tour: https://www.example.com/apartments/47-Notre-Dame-Street-Unit-2\n"
    assert extract_fields("", body)["street_address"] == "47 Notre Dame Street"
    for body in ("2 Bedroom Way", "1 Car Garage Dr", "3 Great Rooms Ct", "/2-bedroom-way/"):
        assert extract_fields("", body)["street_address"] is None, body


def test_merge_fields_prefers_page_attributes() -> None:
    fields, sources = merge_fields(
        {"rent": 1500, "bedrooms": None, "type": "condo"},
        {"rent": 1450, "bedrooms": 2, "type": "apartment", "phone": "+14045550187"},
    )
    assert fields == {"rent": 1500, "bedrooms": 2, "type": "condo", "phone": "+14045550187"}
    assert sources["rent"] == "attributes" and sources["bedrooms"] == "text"


def test_bad_input_does_not_crash() -> None:
    for title, body in [
        (None, None),
        ("", ""),
        ("$$$", "$ , . 1/2/3/4 x x x @ at dot"),
        ("🏠", "\x00"),
    ]:
        assert extract_fields(title, body, "not a date")["rent"] is None


def test_addresses_and_zips_beyond_the_dev_cities() -> None:
    # Street types written before the name, a street named without a type.
    for body, street in (
        ("Located at 4512 Via Las Brisas, Carlsbad", "4512 Via Las Brisas"),
        ("210 Calle Cristobal #5", "210 Calle Cristobal"),
        ("3450 El Camino Real, Santa Clara", "3450 El Camino Real"),
        ("2100 Broadway, Oakland", "2100 Broadway"),
    ):
        assert extract_fields("", body)["street_address"] == street, body
    for body in ("Office hours 9:00 Main Street", "5 Star Real Estate", "The 2 Via points"):
        assert extract_fields("", body)["street_address"] is None, body
    # Every state's name, not only the dev cities'.
    for body, zip_code in (
        ("San Diego, California 92101", "92101"),
        ("Austin, Texas 78701", "78701"),
        ("Albany, New York 12207", "12207"),
    ):
        assert extract_fields("", body)["postal_code"] == zip_code, body


def test_furnished_as_a_choice_or_abbreviated() -> None:
    assert extract_fields("FURN STUDIO", "Furnished or unfurnished.")["furnished"] is True
    assert extract_fields("Studio", "Furnished or unfurnished.")["furnished"] is None
    assert extract_fields("Studio", "Unfurnished.")["furnished"] is False
