//! Listing objects by key prefix (a range scan of object records) or by
//! tags (a range scan of the first tag's index entries).

use crate::device::BlockDevice;
use crate::error::Error;
use crate::keys::{self, Record};
use crate::objects::info;
use crate::store::Store;
use crate::types::{ListQuery, ObjectInfo};
use alloc::string::String;
use alloc::vec::Vec;

impl<D: BlockDevice> Store<D> {
    /// Objects matching `query`, in key order, live or at snapshot `at`.
    pub fn list(
        &mut self,
        ns: &str,
        query: &ListQuery,
        at: Option<&str>,
    ) -> Result<Vec<ObjectInfo>, Error> {
        let root = self.root_at(ns, at)?;
        let limit = if query.limit == 0 {
            usize::MAX
        } else {
            query.limit
        };
        let after = query.after.as_deref().unwrap_or("");
        let start_key = if after.as_bytes() >= query.prefix.as_bytes() {
            after
        } else {
            query.prefix.as_str()
        };
        let mut out = Vec::new();
        let Some((first_tag, other_tags)) = query.tags.split_first() else {
            let start = keys::object(start_key);
            let mut bad = None;
            self.pager
                .scan(root, &start, &mut |k, v| {
                    let Some(key) = k.strip_prefix(b"o") else {
                        return false;
                    };
                    if !key.starts_with(query.prefix.as_bytes()) || out.len() >= limit {
                        return false;
                    }
                    if key == after.as_bytes() && query.after.is_some() {
                        return true;
                    }
                    match (core::str::from_utf8(key), Record::decode(v)) {
                        (Ok(key), Some(rec)) => out.push(info(key, &rec)),
                        _ => bad = Some(()),
                    }
                    true
                })
                .map_err(|e| e.at(ns, None))?;
            return match bad {
                Some(()) => Err(Error::corrupt(0, "object record").at(ns, None)),
                None => Ok(out),
            };
        };
        let prefix = keys::tag_prefix(first_tag);
        let mut start = prefix.clone();
        start.extend_from_slice(start_key.as_bytes());
        let mut candidates: Vec<String> = Vec::new();
        self.pager
            .scan(root, &start, &mut |k, _| {
                let Some(key) = k.strip_prefix(prefix.as_slice()) else {
                    return false;
                };
                if !key.starts_with(query.prefix.as_bytes()) {
                    return false;
                }
                if let Ok(key) = core::str::from_utf8(key)
                    && query.after.as_deref() != Some(key)
                {
                    candidates.push(key.into());
                }
                true
            })
            .map_err(|e| e.at(ns, None))?;
        for key in candidates {
            if out.len() >= limit {
                break;
            }
            let rec = self.record(root, &key).map_err(|e| e.at(ns, Some(&key)))?;
            if let Some(rec) = rec
                && other_tags.iter().all(|t| rec.tags.contains(t))
            {
                out.push(info(&key, &rec));
            }
        }
        Ok(out)
    }
}
