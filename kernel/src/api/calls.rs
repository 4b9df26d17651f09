//! The API's calls that the runtime answers at once: agents started and
//! stopped, images listed and deployed, store objects, the audit log,
//! memories. Each turns the
//! runtime's answer into the API's types, and its failure into a status
//! and the runtime's words.

use aios_abi::Error;
use aios_api::{
    AuditCheck, AuditPage, AuditRow, Deployed, ImageRow, Memo, ObjectRow, Put, Recalled, Refused,
    SignedCheckpoint, Spawned, StoreListing, StoreQuery, StoredObject,
};
use aios_runtime::{ApiError, Runtime};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

fn refused(error: ApiError) -> Refused {
    Refused::new(super::tickets::status(error.kind), error.why)
}

pub(super) fn spawn(runtime: &Runtime, image: &str) -> Result<Spawned, Refused> {
    let (id, name) = runtime.api_spawn(image).map_err(refused)?;
    Ok(Spawned { id, name })
}

pub(super) fn kill(runtime: &Runtime, id: u64) -> Result<(), Refused> {
    runtime.api_kill(id).map_err(refused)
}

pub(super) fn images(runtime: &Runtime) -> Vec<ImageRow> {
    runtime
        .image_infos()
        .into_iter()
        .map(|image| ImageRow {
            name: image.name,
            deployed: image.deployed,
            start_at_boot: image.start_at_boot,
            refused: image.refused,
        })
        .collect()
}

pub(super) fn deploy(
    runtime: &Runtime,
    token: &str,
    what: &str,
    image: &[u8],
) -> Result<Deployed, Refused> {
    let deployed = runtime.api_deploy(token, what, image).map_err(|error| {
        // The image itself is refused (its signature, publisher, engine or
        // module): 422, where a spawn of a refused image is a conflict.
        let status = match error.kind {
            Error::ImageRefused => 422,
            kind => super::tickets::status(kind),
        };
        Refused::new(status, error.why)
    })?;
    Ok(Deployed {
        name: deployed.name,
        publisher: aios_api::tokens::hex(&deployed.publisher),
        size: deployed.size,
        stored: deployed.stored,
    })
}

pub(super) fn store_get(
    runtime: &Runtime,
    namespace: &str,
    key: &str,
) -> Result<StoredObject, Refused> {
    let (info, body) = runtime
        .api_store_get(namespace, key, aios_api::MAX_OBJECT)
        .map_err(refused)?;
    Ok(StoredObject {
        content_type: info.content_type,
        version: info.version,
        body,
    })
}

pub(super) fn store_put(
    runtime: &Runtime,
    namespace: &str,
    key: &str,
    put: Put<'_>,
) -> Result<bool, Refused> {
    runtime
        .api_store_put(namespace, key, put.content_type, put.body)
        .map_err(refused)
}

pub(super) fn store_list(
    runtime: &Runtime,
    namespace: &str,
    query: StoreQuery,
) -> Result<StoreListing, Refused> {
    let listing = runtime
        .api_store_list(
            namespace,
            &query.prefix,
            query.after.as_deref(),
            query.limit,
        )
        .map_err(refused)?;
    Ok(StoreListing {
        objects: listing
            .objects
            .into_iter()
            .map(|object| ObjectRow {
                key: object.key,
                size: object.size,
                content_type: object.content_type,
                version: object.version,
                modified_ns: object.modified_ns,
            })
            .collect(),
        more: listing.more,
    })
}

pub(super) fn audit_export(runtime: &Runtime, from: u64, limit: usize) -> AuditPage {
    let slice = runtime.api_audit_page(from, limit);
    AuditPage {
        first_seq: slice.first_seq,
        next_seq: slice.next_seq,
        public_key: slice.public_key,
        records: slice
            .records
            .into_iter()
            .map(|record| AuditRow {
                seq: record.seq,
                time_ns: record.time_ns,
                kind: record.kind.name().to_string(),
                agent: record.subject,
                detail: record.detail,
                prev_hash: record.prev_hash,
                hash: record.hash,
            })
            .collect(),
        checkpoints: slice
            .checkpoints
            .into_iter()
            .map(|checkpoint| SignedCheckpoint {
                seq: checkpoint.seq,
                hash: checkpoint.hash,
                signature: checkpoint.signature,
            })
            .collect(),
    }
}

pub(super) fn audit_verify(runtime: &Runtime) -> AuditCheck {
    let check = runtime.audit_check();
    match check.result {
        Ok(summary) => AuditCheck {
            ok: true,
            records: summary.records,
            checked_from: summary.first_seq,
            signed_through: summary.signed_through,
            problem: None,
        },
        Err(error) => AuditCheck {
            ok: false,
            records: check.records,
            checked_from: check.first_seq,
            signed_through: None,
            problem: Some(error.to_string()),
        },
    }
}

pub(super) fn remember(runtime: &Runtime, token: &str, memo: Memo) -> Result<String, Refused> {
    runtime
        .api_remember(token, &memo.text, &memo.tags)
        .map_err(refused)
}

pub(super) fn recall(
    runtime: &Runtime,
    token: &str,
    query: &str,
    k: usize,
) -> Result<Vec<Recalled>, Refused> {
    let hits = runtime.api_recall(token, query, k).map_err(refused)?;
    Ok(hits
        .into_iter()
        .map(|hit| Recalled {
            key: hit.key,
            score_permille: hit.score_permille,
            text: String::from_utf8_lossy(&hit.value).into_owned(),
            tags: hit.tags,
        })
        .collect())
}
