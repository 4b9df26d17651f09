//! Property tests of the engine identity an image carries (untrusted
//! text until its signature is checked, and parsed after): no text makes
//! the parser panic, and whatever it accepts prints back as it was read.

use aios_engine::Identity;
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_text_parses_or_is_refused_without_panicking(text in any::<String>()) {
        if let Ok(identity) = Identity::parse(&text) {
            prop_assert_eq!(identity.to_string(), text);
        }
    }

    #[test]
    fn identities_shaped_like_the_real_one_round_trip(
        version in "[0-9.]{1,12}",
        target in "[a-z0-9_-]{1,24}",
        config in "[0-9a-f]{16}",
    ) {
        let text = format!("wasmtime {version}; {target}; config {config}");
        let identity = Identity::parse(&text);
        prop_assert!(identity.is_ok());
        prop_assert_eq!(identity.unwrap().to_string(), text);
    }
}
