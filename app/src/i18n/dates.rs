//! Dates as each language writes them, and the ISO dates of forms and
//! files, through the `time` crate (UTC throughout).

use crate::domain::Lang;

impl Lang {
    /// A moment given in seconds since the Unix epoch, as a UTC date written
    /// out in full.
    pub fn format_date(self, unix_seconds: i64) -> String {
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const FR_MONTHS: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let date = utc(unix_seconds).date();
        let month = usize::from(u8::from(date.month()) - 1);
        let (year, day) = (date.year(), date.day());
        match self {
            Lang::En => format!("{} {day}, {year}", EN_MONTHS[month]),
            Lang::Fr => format!("{day} {} {year}", FR_MONTHS[month]),
        }
    }

    /// The date and the UTC time of day, for logs.
    pub fn format_date_time(self, unix_seconds: i64) -> String {
        let time = utc(unix_seconds).time();
        format!(
            "{} {:02}:{:02} UTC",
            self.format_date(unix_seconds),
            time.hour(),
            time.minute()
        )
    }
}

/// The UTC moment of `unix_seconds`; out of the calendar's range, the
/// epoch.
fn utc(unix_seconds: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Reads a date written `YYYY-MM-DD` (as `<input type="date">` sends it):
/// the UTC midnight that starts it, in seconds since the epoch.
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if !(1..=9999).contains(&year) {
        return None;
    }
    // Refuses days past the month's end: 2026-02-30 is not a date.
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// The date `YYYY-MM-DD` of `unix_seconds`, UTC.
pub fn iso_date(unix_seconds: i64) -> String {
    let date = utc(unix_seconds).date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The moment `unix_seconds` in RFC 3339, UTC: `2026-11-18T10:00:00Z`,
/// as the JSON API and webhooks write times.
pub fn rfc3339(unix_seconds: i64) -> String {
    let moment = utc(unix_seconds);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        iso_date(unix_seconds),
        moment.hour(),
        moment.minute(),
        moment.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_the_readers_language() {
        // 2027-01-23T10:00:00Z
        assert_eq!(Lang::En.format_date(1_800_698_400), "January 23, 2027");
        assert_eq!(Lang::Fr.format_date(1_800_698_400), "23 janvier 2027");
    }

    #[test]
    fn leap_days_and_the_epoch_are_right() {
        assert_eq!(Lang::En.format_date(0), "January 1, 1970");
        // 2028-02-29T00:00:00Z
        assert_eq!(Lang::En.format_date(1_835_395_200), "February 29, 2028");
    }

    #[test]
    fn moments_are_written_in_rfc_3339() {
        assert_eq!(rfc3339(1_800_698_400), "2027-01-23T10:00:00Z");
        assert_eq!(rfc3339(59), "1970-01-01T00:00:59Z");
    }

    #[test]
    fn iso_dates_round_trip_and_impossible_ones_are_refused() {
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
        assert_eq!(parse_iso_date("2028-02-29"), Some(1_835_395_200));
        assert_eq!(iso_date(1_835_395_200 + 3600), "2028-02-29");
        assert_eq!(parse_iso_date("2027-02-29"), None);
        assert_eq!(parse_iso_date("2026-13-01"), None);
        assert_eq!(parse_iso_date("yesterday"), None);
        assert_eq!(parse_iso_date(""), None);
    }
}
