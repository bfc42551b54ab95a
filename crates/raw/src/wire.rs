//! The request line exactly as Huawei's official SDKs put it on the wire.
//!
//! progenitor builds paths with a looser escape set and form-encodes the
//! query (a space becomes `+`), in the order parameters are declared. The
//! official SDKs instead escape every byte outside the RFC 3986 unreserved
//! set in both, and send the query in canonical order: sorted by key, then
//! value, comparing the unescaped text. The gateway verifies signatures over
//! that canonical form, so sending it unchanged is what makes the signed
//! bytes and the sent bytes the same. [`normalize`] rewrites a built request
//! URL into that form; [`escape`] is the one escape function both use.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Every byte except `A-Z a-z 0-9 - _ . ~` is escaped, as `%XX` in upper case.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes text the way the official SDKs escape path segments and query
/// keys and values: over UTF-8 bytes, keeping only unreserved characters.
pub fn escape(text: &str) -> String {
    utf8_percent_encode(text, STRICT).to_string()
}

/// Rewrites `url`'s path and query into the official SDKs' wire form.
///
/// Each path segment is unescaped and escaped again strictly, so a `/`
/// inside a parameter (already `%2F`) stays one segment. Query pairs are
/// decoded, sorted by raw key then raw value, and re-encoded; an empty query
/// drops the `?`.
pub fn normalize(url: &mut reqwest::Url) {
    let segments: Vec<String> = match url.path_segments() {
        Some(segments) => segments
            .map(|segment| escape(&percent_decode_str(segment).decode_utf8_lossy()))
            .collect(),
        None => return,
    };
    url.set_path(&format!("/{}", segments.join("/")));

    let query = canonical_query(
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    url.set_query(if query.is_empty() { None } else { Some(&query) });
}

/// Renders decoded query pairs in canonical order as `k=v&k=v`.
pub fn canonical_query(pairs: impl IntoIterator<Item = (String, String)>) -> String {
    let mut pairs: Vec<(String, String)> = pairs.into_iter().collect();
    // `String`'s order is byte order of UTF-8, which is code point order:
    // the same order the official Python signer sorts its tuples in.
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(url: &str) -> String {
        let mut url = reqwest::Url::parse(url).unwrap();
        normalize(&mut url);
        url.to_string()
    }

    #[test]
    fn escape_keeps_only_unreserved_characters() {
        assert_eq!(escape("a b+c*d~e/f"), "a%20b%2Bc%2Ad~e%2Ff");
        assert_eq!(escape("é"), "%C3%A9");
        assert_eq!(escape("A-Z_a.z~09"), "A-Z_a.z~09");
    }

    #[test]
    fn query_goes_out_sorted_and_rfc3986_escaped() {
        // What progenitor produces for cluster_name = "dws cluster+01".
        let url = "https://h/v1/p/security/member-sync-tasks?limit=10&offset=0&cluster_type=DWS&cluster_name=dws+cluster%2B01&order_by_asc=true";
        assert_eq!(
            normalized(url),
            "https://h/v1/p/security/member-sync-tasks?cluster_name=dws%20cluster%2B01&cluster_type=DWS&limit=10&offset=0&order_by_asc=true"
        );
    }

    #[test]
    fn no_query_means_no_question_mark() {
        assert_eq!(normalized("https://h/v1/p/x?"), "https://h/v1/p/x");
    }

    #[test]
    fn path_parameters_are_escaped_strictly_and_stay_one_segment() {
        // progenitor's encode_path leaves `*`, `+`, `:` and `@` as they are
        // but escapes `/`; the official SDK escapes all four.
        assert_eq!(
            normalized("https://h/v1/p/security/member-sync-tasks/a*b+c:d@e%2Ff%20g"),
            "https://h/v1/p/security/member-sync-tasks/a%2Ab%2Bc%3Ad%40e%2Ff%20g"
        );
    }

    #[test]
    fn keys_sort_on_raw_text_then_values() {
        let query = canonical_query([
            ("b".into(), "2".into()),
            ("a".into(), "10".into()),
            ("a".into(), "2".into()),
            ("é".into(), "x".into()),
            ("z".into(), "y".into()),
        ]);
        assert_eq!(query, "a=10&a=2&b=2&z=y&%C3%A9=x");
    }
}
