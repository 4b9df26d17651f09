//! Identities certified by the cluster key, proofs bound to one link and
//! one role, and frames read whole, cut anywhere, or refused.

use aios_cluster::identity::public_key;
use aios_cluster::{
    Certificate, Frame, FrameError, Frames, Identity, IdentityError, MAX_FRAME, RemoteIntent, Role,
    binding, check_proof, encode,
};
use proptest::prelude::*;

const CLUSTER: [u8; 32] = [1; 32];
const NODE_A: [u8; 32] = [2; 32];

fn cluster_key() -> Vec<u8> {
    public_key(&CLUSTER)
}

#[test]
fn a_certified_node_proves_itself_on_its_link_only() {
    let certificate = Certificate::issue(&CLUSTER, "node-a", &NODE_A).unwrap();
    let certificate = Certificate::from_bytes(&certificate.to_bytes()).unwrap();
    let identity = Identity::new(&NODE_A, certificate.clone(), &cluster_key()).unwrap();
    assert_eq!(identity.name(), "node-a");
    let link = binding(b"server certificate", &[1; 32], &[2; 32]);
    let proof = identity.prove(Role::Dialler, &link).unwrap();
    assert_eq!(
        check_proof(&certificate, Role::Dialler, &link, &proof),
        Ok(())
    );
    // Another server certificate (a node in the middle), other nonces (a
    // replay), or the other role (a reflection): the proof is worthless.
    for other in [
        binding(b"another certificate", &[1; 32], &[2; 32]),
        binding(b"server certificate", &[3; 32], &[2; 32]),
        binding(b"server certificate", &[1; 32], &[3; 32]),
    ] {
        assert_eq!(
            check_proof(&certificate, Role::Dialler, &other, &proof),
            Err(IdentityError::BadProof)
        );
    }
    assert_eq!(
        check_proof(&certificate, Role::Acceptor, &link, &proof),
        Err(IdentityError::BadProof)
    );
    assert_eq!(
        check_proof(&certificate, Role::Dialler, &link, &proof[1..]),
        Err(IdentityError::BadSignature)
    );
}

#[test]
fn certificates_from_another_cluster_or_altered_are_refused() {
    let certificate = Certificate::issue(&CLUSTER, "node-a", &NODE_A).unwrap();
    let stranger = Certificate::issue(&[9; 32], "node-a", &NODE_A).unwrap();
    assert_eq!(
        stranger.verify(&cluster_key()),
        Err(IdentityError::NotCertified)
    );
    let mut renamed = certificate.clone();
    renamed.name = "node-b".into();
    assert_eq!(
        renamed.verify(&cluster_key()),
        Err(IdentityError::NotCertified)
    );
    let mut rekeyed = certificate.clone();
    rekeyed.public_key = public_key(&[3; 32]);
    assert_eq!(
        rekeyed.verify(&cluster_key()),
        Err(IdentityError::NotCertified)
    );
    let mut truncated = certificate.clone();
    truncated.public_key.pop();
    assert_eq!(
        truncated.verify(&cluster_key()),
        Err(IdentityError::BadPublicKey)
    );
    let mut bad_name = certificate.clone();
    bad_name.name = "Node A".into();
    assert_eq!(bad_name.verify(&cluster_key()), Err(IdentityError::BadName));
    assert!(Certificate::issue(&CLUSTER, "", &NODE_A).is_err());
    // A certificate for another key does not make an identity of this seed.
    assert_eq!(
        Identity::new(&[3; 32], certificate, &cluster_key()).err(),
        Some(IdentityError::WrongKey)
    );
}

fn frames() -> Vec<Frame> {
    let certificate = Certificate::issue(&CLUSTER, "node-a", &NODE_A).unwrap();
    vec![
        Frame::Hello {
            certificate,
            nonce: vec![5; 32],
        },
        Frame::Proof {
            proof: vec![6; 3309],
        },
        Frame::Intents {
            intents: vec![RemoteIntent {
                name: "demo.echo".into(),
                description: "Echoes the text back.".into(),
                input: "{ text: text }".into(),
                output: "{ text: text }".into(),
            }],
        },
        Frame::Request {
            id: 42,
            intent: "demo.echo".into(),
            body: vec![0xa1, 0x61, b't', 0x61, b'x'],
            deadline_ms: 5000,
            sender: "agent 7 (ping)".into(),
        },
        Frame::Reply {
            id: 42,
            body: vec![0xf6],
        },
        Frame::Undelivered {
            id: 43,
            why: "expired".into(),
        },
        Frame::Ping { nonce: 9 },
        Frame::Pong { nonce: 9 },
    ]
}

#[test]
fn frames_come_out_whole_however_the_bytes_are_cut() {
    let bytes: Vec<u8> = frames().iter().flat_map(encode).collect();
    for step in [1, 3, 7, 64, bytes.len()] {
        let mut reader = Frames::default();
        let mut got = Vec::new();
        for chunk in bytes.chunks(step) {
            reader.push(chunk);
            while let Some(frame) = reader.next_frame().unwrap() {
                got.push(frame);
            }
        }
        assert_eq!(got, frames(), "cut every {step}");
        assert_eq!(reader.pending(), 0);
    }
}

#[test]
fn a_frame_too_long_or_malformed_is_refused() {
    let mut reader = Frames::default();
    reader.push(&((MAX_FRAME as u32) + 1).to_be_bytes());
    assert_eq!(
        reader.next_frame(),
        Err(FrameError::TooLong(MAX_FRAME as u32 + 1))
    );
    let mut reader = Frames::default();
    reader.push(&[0, 0, 0, 2, 0xff, 0xff]);
    assert_eq!(reader.next_frame(), Err(FrameError::Malformed));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut reader = Frames::default();
        reader.push(&bytes);
        while let Ok(Some(_)) = reader.next_frame() {}
    }

    #[test]
    fn a_good_frame_with_random_bytes_after_it_still_comes_out(
        tail in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = encode(&Frame::Ping { nonce: 1 });
        bytes.extend_from_slice(&tail);
        let mut reader = Frames::default();
        reader.push(&bytes);
        prop_assert_eq!(reader.next_frame(), Ok(Some(Frame::Ping { nonce: 1 })));
    }
}
