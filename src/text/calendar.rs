//! Names of the calendar, lowercase: the segmenter reads a weekday or a month after an
//! abbreviation as the rest of a date ("at 8 p.m. Tuesday"), the normalizer reads a number
//! after a month as a year ("May 1999").

/// The days of the week.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The months of the year.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
