//! HMAC_DRBG SHA-256 against NIST CAVP known answers (the DRBG validation
//! system's `HMAC_DRBG.rsp`, CAVS 14.3, section `[SHA-256]`,
//! `[PredictionResistance = False]`, `EntropyInputLen = 256`,
//! `NonceLen = 128`, `PersonalizationStringLen = 0`,
//! `AdditionalInputLen = 0`, `ReturnedBitsLen = 1024`). CAVP's procedure:
//! instantiate, (reseed,) generate twice, compare the second output.

use aios_drbg::{DrbgError, HmacDrbg, MAX_REQUEST_BYTES};

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// `drbgvectors_no_reseed/HMAC_DRBG.rsp`, `[SHA-256]`, COUNT = 0.
#[test]
fn cavp_sha256_no_reseed_count_0() {
    let entropy = hex("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488");
    let nonce = hex("659ba96c601dc69fc902940805ec0ca8");
    let expected = hex(concat!(
        "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89",
        "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1",
        "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668",
        "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8",
    ));
    let mut drbg = HmacDrbg::new(&entropy, &nonce, &[]).unwrap();
    let mut out = [0u8; 128];
    drbg.generate(&mut out, &[]).unwrap();
    drbg.generate(&mut out, &[]).unwrap();
    assert_eq!(out.as_slice(), expected.as_slice());
    assert_eq!(drbg.requests_since_reseed(), 2);
}

/// `drbgvectors_pr_false/HMAC_DRBG.rsp`, `[SHA-256]`, COUNT = 0 (with
/// `EntropyInputReseed`).
#[test]
fn cavp_sha256_reseed_count_0() {
    let entropy = hex("06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d");
    let nonce = hex("0e66f71edc43e42a45ad3c6fc6cdc4df");
    let reseed = hex("01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552");
    let expected = hex(concat!(
        "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb",
        "2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842",
        "e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a802254",
        "22918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124",
    ));
    let mut drbg = HmacDrbg::new(&entropy, &nonce, &[]).unwrap();
    drbg.reseed(&reseed, &[]).unwrap();
    assert_eq!(drbg.requests_since_reseed(), 0);
    let mut out = [0u8; 128];
    drbg.generate(&mut out, &[]).unwrap();
    drbg.generate(&mut out, &[]).unwrap();
    assert_eq!(out.as_slice(), expected.as_slice());
}

/// The first output of the no-reseed vector differs from the second: the
/// state moved on after the first request (forward secrecy), and output
/// shorter than a block is the prefix of the same request's block.
#[test]
fn state_moves_on_after_every_request() {
    let entropy = hex("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488");
    let nonce = hex("659ba96c601dc69fc902940805ec0ca8");
    let mut first = [0u8; 128];
    let mut second = [0u8; 128];
    let mut drbg = HmacDrbg::new(&entropy, &nonce, &[]).unwrap();
    drbg.generate(&mut first, &[]).unwrap();
    drbg.generate(&mut second, &[]).unwrap();
    assert_ne!(first, second);

    let mut short = [0u8; 5];
    let mut drbg = HmacDrbg::new(&entropy, &nonce, &[]).unwrap();
    drbg.generate(&mut short, &[]).unwrap();
    assert_eq!(short, first[..5]);
}

#[test]
fn personalization_and_additional_input_change_the_output() {
    let entropy = [7u8; 32];
    let mut plain = [0u8; 32];
    let mut personal = [0u8; 32];
    let mut additional = [0u8; 32];
    HmacDrbg::new(&entropy, &[], &[])
        .unwrap()
        .generate(&mut plain, &[])
        .unwrap();
    HmacDrbg::new(&entropy, &[], b"aios")
        .unwrap()
        .generate(&mut personal, &[])
        .unwrap();
    HmacDrbg::new(&entropy, &[], &[])
        .unwrap()
        .generate(&mut additional, b"aios")
        .unwrap();
    assert_ne!(plain, personal);
    assert_ne!(plain, additional);
    assert_ne!(personal, additional);
}

#[test]
fn short_entropy_and_oversized_requests_are_refused() {
    assert_eq!(
        HmacDrbg::new(&[1u8; 31], &[], &[]).err(),
        Some(DrbgError::EntropyTooShort)
    );
    let mut drbg = HmacDrbg::new(&[1u8; 32], &[], &[]).unwrap();
    assert_eq!(
        drbg.reseed(&[2u8; 31], &[]),
        Err(DrbgError::EntropyTooShort)
    );
    let mut big = vec![0u8; MAX_REQUEST_BYTES + 1];
    assert_eq!(
        drbg.generate(&mut big, &[]),
        Err(DrbgError::RequestTooLarge)
    );
    assert_eq!(drbg.requests_since_reseed(), 0);
    assert!(drbg.generate(&mut big[..MAX_REQUEST_BYTES], &[]).is_ok());
}
