//! Tier 10's checks of the API's agent, store, audit and memory routes,
//! with curl and the admin token against the booted node (its data disk
//! attached, no model on it): an agent started and stopped through the
//! API and seen in the list; a store object written, read back with its
//! content type and listed, the kernel's namespaces refused; the audit log
//! exported and verified; memory refused clearly without the model; a
//! signed image the bundle does not hold deployed, listed and run, a
//! tampered copy and one signed by a key the node does not trust
//! refused, and the deployed image still there after a reboot.

use std::path::Path;

use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::Session;
use crate::tls_peer::Peer;

/// The image deployed: the `hello` agent's module signed as `greeter`.
const DEPLOYED: &str = "greeter";
/// The image files [`sign_images`] writes: the deployable one, the same
/// with one byte flipped, and one signed by a key no bundle trusts.
const IMAGE_FILES: [&str; 3] = ["greeter.aimg", "tampered.aimg", "stranger.aimg"];
/// The seed of the key no bundle trusts.
const STRANGER_SEED: [u8; 32] = [0x5a; 32];
const STEP: std::time::Duration = std::time::Duration::from_secs(60);

/// One answer: the status, the content type and the body.
struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}] {}", self.status, self.content_type, self.body)
    }
}

fn call(
    peer: &Peer,
    port: u16,
    token: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &str)>,
) -> Result<Answer, String> {
    let (status, content_type, body) =
        crate::e2e_net::curl_call(peer, port, method, path, Some(token), body)?;
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// Signs the images [`images`] deploys into `dir`: `hello`'s module as
/// image `greeter` by the development key (which the bundle trusts), a
/// copy with the last byte of its artifact flipped, and the same signed
/// by a key nobody trusts.
pub(crate) fn sign_images(paths: &Paths, dir: &Path) -> Result<(), Error> {
    let key = crate::build::signing_key(paths, None)?;
    let seed = crate::agents::read_seed(&key.seed)?;
    let image = crate::agents::sign_as(paths, "hello", DEPLOYED, &seed)?;
    let mut tampered = image.clone();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    let stranger = crate::agents::sign_as(paths, "hello", DEPLOYED, &STRANGER_SEED)?;
    for (file, bytes) in IMAGE_FILES.iter().zip([image, tampered, stranger]) {
        let path = dir.join(file);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// An image file of `dir` sent to `POST /v1/images` as octets.
fn deploy(peer: &Peer, port: u16, token: &str, dir: &Path, file: &str) -> Result<Answer, String> {
    let upload = format!("@{}", dir.join(file).display());
    let body = Some(("application/octet-stream", upload.as_str()));
    call(peer, port, token, "POST", "/v1/images", body)
}

/// Starts an agent of the deployed image through the API and waits for
/// its line on the serial console.
fn run_deployed(
    s: &mut Session,
    peer: &Peer,
    port: u16,
    token: &str,
) -> Result<(Answer, Result<String, String>), String> {
    let body = format!("{{\"image\":\"{DEPLOYED}\"}}");
    let started = call(
        peer,
        port,
        token,
        "POST",
        "/v1/agents",
        Some(("application/json", &body)),
    )?;
    let line = found(
        s.wait_for(STEP, |l| {
            l.contains(&format!("{DEPLOYED}: hello from agent "))
        }),
        "the deployed agent's line",
    );
    Ok((started, line))
}

/// A signed image the bundle does not hold is deployed (201, stored),
/// listed as deployed, and an agent of it runs; a tampered copy and one
/// signed by an untrusted key are 422 and change nothing; the audit log
/// has the deploy and the refusals.
pub(crate) fn images(
    s: &mut Session,
    checks: &mut Checks,
    peer: &Peer,
    port: u16,
    token: &str,
    dir: &Path,
) -> Result<(), String> {
    let deployed = deploy(peer, port, token, dir, IMAGE_FILES[0])?;
    let size = std::fs::metadata(dir.join(IMAGE_FILES[0])).map_or(0, |m| m.len());
    let listed = call(peer, port, token, "GET", "/v1/images", None)?;
    let (started, line) = run_deployed(s, peer, port, token)?;
    checks.expect(
        "POST /v1/images deploys a signed image the bundle does not hold (201, stored); \
         GET /v1/images lists it as deployed beside the bundle's; an agent of it starts and logs",
        deployed.status == 201
            && deployed
                .body
                .starts_with(&format!("{{\"name\":\"{DEPLOYED}\",\"publisher\":\""))
            && deployed
                .body
                .ends_with(&format!(",\"size\":{size},\"stored\":true}}"))
            && listed.status == 200
            && listed.body.contains(&format!(
                "{{\"name\":\"{DEPLOYED}\",\"source\":\"deployed\",\"start_at_boot\":false}}"
            ))
            && listed
                .body
                .contains("{\"name\":\"console\",\"source\":\"bundle\"")
            && started.status == 201
            && line.is_ok(),
        || format!("{deployed:?} / {listed:?} / {started:?} / {line:?}"),
    );
    let tampered = deploy(peer, port, token, dir, IMAGE_FILES[1])?;
    let stranger = deploy(peer, port, token, dir, IMAGE_FILES[2])?;
    let health = call(peer, port, token, "GET", "/health", None)?;
    let again = call(peer, port, token, "GET", "/v1/images", None)?;
    checks.expect(
        "a copy with one byte flipped and one signed by an untrusted key are refused (422, \
         saying why); the node and its deployed image are unaffected",
        tampered.status == 422
            && tampered.body.contains("does not match its signed digest")
            && stranger.status == 422
            && stranger.body.contains("not a trusted publisher")
            && health.status == 200
            && again.body == listed.body,
        || format!("{tampered:?} / {stranger:?} / {health:?} / {again:?}"),
    );
    send(s, "audit tail 16")?;
    let deploy_record = found(
        s.wait_for(STEP, |l| {
            l.contains(&format!("agent image `{DEPLOYED}` deployed by token admin"))
        }),
        "the deploy's record",
    );
    let refusal = found(
        s.wait_for(STEP, |l| {
            l.contains("agent image deployed by token admin refused: ")
        }),
        "a refusal's record",
    );
    checks.record(
        "the audit log records the deploy and the refusals",
        deploy_record.and(refusal).map(drop),
    );
    Ok(())
}

/// After a reboot on the same disk: the deployed image is listed again
/// (verified at mount) and an agent of it runs.
pub(crate) fn after_reboot(
    s: &mut Session,
    checks: &mut Checks,
    peer: &Peer,
    port: u16,
    token: &str,
) -> Result<(), String> {
    let listed = call(peer, port, token, "GET", "/v1/images", None)?;
    let (started, line) = run_deployed(s, peer, port, token)?;
    checks.expect(
        "after a reboot on the same disk the deployed image is listed (verified again) and an \
         agent of it runs",
        listed.status == 200
            && listed.body.contains(&format!(
                "{{\"name\":\"{DEPLOYED}\",\"source\":\"deployed\",\"start_at_boot\":false}}"
            ))
            && started.status == 201
            && line.is_ok(),
        || format!("{listed:?} / {started:?} / {line:?}"),
    );
    Ok(())
}

/// Every check of this file.
pub(crate) fn routes(
    checks: &mut Checks,
    peer: &Peer,
    port: u16,
    token: &str,
) -> Result<(), String> {
    agents(checks, peer, port, token)?;
    store(checks, peer, port, token)?;
    audit(checks, peer, port, token)?;
    memory(checks, peer, port, token)
}

/// A second echo agent started through the API shows in the list, is
/// stopped with 204 and shows as killed; demo.echo still answers (the
/// first echo).
fn agents(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let json = |body| Some(("application/json", body));
    let started = call(
        peer,
        port,
        token,
        "POST",
        "/v1/agents",
        json(r#"{"image":"echo"}"#),
    )?;
    let id = started
        .body
        .strip_prefix("{\"id\":")
        .and_then(|rest| rest.split_once(','))
        .and_then(|(id, _)| id.parse::<u64>().ok());
    let listed = call(peer, port, token, "GET", "/v1/agents", None)?;
    let entry = |id: u64| format!("{{\"id\":{id},\"name\":\"echo\",\"state\":\"");
    let alive = |list: &str, id: u64| {
        list.split_once(&entry(id)).is_some_and(|(_, state)| {
            !["exited", "trapped", "killed"]
                .iter()
                .any(|ended| state.starts_with(ended))
        })
    };
    checks.expect(
        "POST /v1/agents starts an echo agent (201 with its id), which GET /v1/agents lists alive",
        started.status == 201 && id.is_some_and(|id| alive(&listed.body, id)),
        || format!("{started:?} / {listed:?}"),
    );
    let Some(id) = id else {
        return Ok(());
    };
    let path = format!("/v1/agents/{id}");
    let stopped = call(peer, port, token, "DELETE", &path, None)?;
    let again = call(peer, port, token, "DELETE", &path, None)?;
    let unknown = call(peer, port, token, "DELETE", "/v1/agents/999999", None)?;
    let missing = call(
        peer,
        port,
        token,
        "POST",
        "/v1/agents",
        json(r#"{"image":"nothing"}"#),
    )?;
    let listed = call(peer, port, token, "GET", "/v1/agents", None)?;
    let echoed = call(
        peer,
        port,
        token,
        "POST",
        "/v1/intents/demo.echo",
        json(r#"{"text":"still here"}"#),
    )?;
    checks.expect(
        "DELETE /v1/agents/ID stops it (204, then 409), the list shows it killed, demo.echo \
         still answers; an unknown agent or image is 404",
        stopped.status == 204
            && again.status == 409
            && unknown.status == 404
            && missing.status == 404
            && listed.body.contains(&format!("{}killed\"}}", entry(id)))
            && echoed.status == 200,
        || format!("{stopped:?} / {again:?} / {unknown:?} / {missing:?} / {listed:?} / {echoed:?}"),
    );
    Ok(())
}

/// A PUT, then a GET of the same bytes and content type, then the list;
/// the kernel's namespaces are refused.
fn store(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let path = "/v1/store/api-test/hello%20w%C3%B6rld.txt";
    let text = "stored through the API\n";
    let write = || {
        let body = Some(("text/plain; charset=utf-8", text));
        call(peer, port, token, "PUT", path, body)
    };
    let put = write()?;
    let replaced = write()?;
    let got = call(peer, port, token, "GET", path, None)?;
    let listed = call(peer, port, token, "GET", "/v1/store/api-test", None)?;
    checks.expect(
        "PUT /v1/store/NS/KEY creates (201, then 200 replacing), GET reads the bytes back with \
         their content type, and the list names the decoded key",
        put.status == 201
            && replaced.status == 200
            && got.status == 200
            && got.body == text
            && got.content_type == "text/plain; charset=utf-8"
            && listed.status == 200
            && listed
                .body
                .contains("{\"key\":\"hello wörld.txt\",\"size\":23,"),
        || format!("{put:?} / {replaced:?} / {got:?} / {listed:?}"),
    );
    let audit = call(peer, port, token, "GET", "/v1/store/aios.audit", None)?;
    let forged = call(
        peer,
        port,
        token,
        "PUT",
        "/v1/store/aios.audit/0",
        Some(("text/plain", "x")),
    )?;
    let bad = call(peer, port, token, "GET", "/v1/store/api-test/bad%zz", None)?;
    checks.expect(
        "the store's aios.* namespaces are refused to the API (403), a bad escape is 400",
        audit.status == 403 && forged.status == 403 && bad.status == 400,
        || format!("{audit:?} / {forged:?} / {bad:?}"),
    );
    Ok(())
}

/// Records come with their hashes and the node's key; the node's check
/// of its chain is ok.
fn audit(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let page = call(peer, port, token, "GET", "/v1/audit?from=0&limit=5", None)?;
    let verified = call(peer, port, token, "GET", "/v1/audit/verify", None)?;
    checks.expect(
        "GET /v1/audit exports records with their hashes and the node's key; \
         GET /v1/audit/verify says the chain is ok",
        page.status == 200
            && page.body.starts_with("{\"first_seq\":")
            && page.body.contains("\"public_key\":\"")
            && page.body.matches("\"prev_hash\":\"").count() == 5
            && verified.status == 200
            && verified.body.starts_with("{\"ok\":true,\"records\":"),
        || format!("{page:?} / {verified:?}"),
    );
    Ok(())
}

/// Tier 10's node has no model: memory says so.
fn memory(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let json = Some((
        "application/json",
        r#"{"text":"the code is in the blue folder"}"#,
    ));
    let remembered = call(peer, port, token, "POST", "/v1/memory", json)?;
    let recalled = call(
        peer,
        port,
        token,
        "GET",
        "/v1/memory?q=where+is+the+code",
        None,
    )?;
    checks.expect(
        "POST and GET /v1/memory on a node without the embedding model are 503, saying so",
        remembered.status == 503
            && remembered.body.contains("embedding model")
            && recalled.status == 503,
        || format!("{remembered:?} / {recalled:?}"),
    );
    Ok(())
}
