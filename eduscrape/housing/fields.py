"""The names of a housing ad's facts (light: item models and feeds import it)."""

from __future__ import annotations

# Craigslist's own fields, extracted from text too (eduscrape.housing.extract).
FIELDS: tuple[str, ...] = (
    "rent",
    "deposit",
    "fees",
    "bedrooms",
    "bathrooms",
    "size_sqft",
    "available_date",
    "built_year",
    "floors",
    "type",
    "laundry",
    "parking",
    "cats_ok",
    "dogs_ok",
    "smoking",
    "furnished",
    "street_address",
    "postal_code",
    "phone",
    "email",
)
# Boolean amenities beyond Craigslist's own fields (True when the text names them).
AMENITIES: tuple[str, ...] = (
    "pool",
    "air_conditioning",
    "fireplace",
    "dishwasher",
    "utilities_included",
    "balcony",
    "gym",
)
