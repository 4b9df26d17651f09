//! Property tests: no response or URL makes the parsers panic, and a
//! response built from random parts parses back.

use agent_fetch::http::{parse_response, parse_url};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_response(&bytes);
        let mut framed = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = parse_response(&framed);
        let _ = parse_url(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn chunked_bodies_join(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..64), 0..8)) {
        let mut bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for chunk in &chunks {
            bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            bytes.extend_from_slice(chunk);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"0\r\n\r\n");
        let response = parse_response(&bytes).unwrap();
        prop_assert_eq!(response.body, chunks.concat());
    }
}
