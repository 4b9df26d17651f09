//! Records that were tampered with, and what both sides say about them.

mod common;

use aios_tls::{AlertDescription, Error, Policy};
use common::{Setup, converse, read_all};

#[test]
fn a_tampered_record_is_refused_and_the_session_stays_failed() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    converse(&mut client, &mut server).expect("handshake");
    client.write(b"transfer 10 credits").unwrap();
    let mut record = client.take_outgoing();
    let last = record.len() - 1;
    record[last] ^= 0x01;
    assert_eq!(server.receive(&record), Err(Error::BadRecord));
    assert_eq!(server.readable(), 0);
    // Failed for good: every later call says the same.
    assert_eq!(server.write(b"x"), Err(Error::BadRecord));
    assert_eq!(server.receive(&[]), Err(Error::BadRecord));
    // The server told the client.
    assert_eq!(
        client.receive(&server.take_outgoing()),
        Err(Error::PeerAlert(AlertDescription::BadRecordMac))
    );
}

#[test]
fn a_tampered_handshake_fails() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    server.receive(&client.take_outgoing()).unwrap();
    let mut flight = server.take_outgoing();
    // Past the ServerHello, inside the encrypted extensions and certificate.
    let at = flight.len() - 40;
    flight[at] ^= 0x80;
    assert_eq!(client.receive(&flight), Err(Error::BadRecord));
}

#[test]
fn a_replayed_record_is_refused() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    converse(&mut client, &mut server).expect("handshake");
    client.write(b"once").unwrap();
    let record = client.take_outgoing();
    server.receive(&record).unwrap();
    assert_eq!(read_all(&mut server), b"once");
    assert_eq!(server.receive(&record), Err(Error::BadRecord));
}
