//! The boot plan: which images start at boot, in an order where every
//! dependency comes before its dependents, and which are skipped and why.

use crate::error::Error;
use aios_sdk::ImageInfo;
use std::string::String;
use std::vec::Vec;

/// The result of planning the boot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootPlan {
    /// Images to spawn, dependencies first (bundle order among equals).
    pub order: Vec<String>,
    /// Images not started, each with the reason.
    pub skipped: Vec<(String, Error)>,
}

/// Plans the boot of `images` for the supervisor named `supervisor`: the
/// images with `start_at_boot` except the supervisor itself. A dependency
/// on the supervisor is always met.
pub fn plan(images: &[ImageInfo], supervisor: &str) -> BootPlan {
    let find = |name: &str| images.iter().find(|image| image.name == name);
    let mut plan = BootPlan::default();
    let mut pending: Vec<&ImageInfo> = Vec::new();
    for image in images {
        if !image.start_at_boot || image.name == supervisor {
            continue;
        }
        let problem = match &image.refused {
            Some(reason) => Some(Error::Refused {
                reason: reason.clone(),
            }),
            None => image
                .depends_on
                .iter()
                .filter(|dependency| dependency.as_str() != supervisor)
                .find_map(|dependency| unusable(find(dependency), dependency)),
        };
        match problem {
            Some(error) => plan.skipped.push((image.name.clone(), error)),
            None => pending.push(image),
        }
    }
    skip_dependents(&mut pending, &mut plan.skipped);
    while let Some(index) = pending.iter().position(|image| {
        image.depends_on.iter().all(|dependency| {
            dependency == supervisor || plan.order.iter().any(|done| done == dependency)
        })
    }) {
        plan.order.push(pending.remove(index).name.clone());
    }
    // What is left waits, directly or not, on a cycle.
    for image in &pending {
        let error = if on_cycle(image, &pending) {
            Error::DependencyCycle
        } else {
            let dependency = image
                .depends_on
                .iter()
                .find(|dependency| pending.iter().any(|other| &other.name == *dependency));
            Error::DependencySkipped {
                dependency: dependency.cloned().unwrap_or_default(),
            }
        };
        plan.skipped.push((image.name.clone(), error));
    }
    plan
}

/// Why `dependency` (looked up as `image`) can never be running, if so.
fn unusable(image: Option<&ImageInfo>, dependency: &str) -> Option<Error> {
    let dependency = String::from(dependency);
    match image {
        None => Some(Error::MissingDependency { dependency }),
        Some(image) if image.refused.is_some() => Some(Error::DependencyRefused { dependency }),
        Some(image) if !image.start_at_boot => Some(Error::DependencyNotAtBoot { dependency }),
        Some(_) => None,
    }
}

/// Moves from `pending` to `skipped` every image that depends, directly or
/// not, on a skipped one.
fn skip_dependents(pending: &mut Vec<&ImageInfo>, skipped: &mut Vec<(String, Error)>) {
    while let Some((index, dependency)) = pending.iter().enumerate().find_map(|(index, image)| {
        image
            .depends_on
            .iter()
            .find(|dependency| skipped.iter().any(|(name, _)| name == *dependency))
            .map(|dependency| (index, dependency.clone()))
    }) {
        let image = pending.remove(index);
        skipped.push((image.name.clone(), Error::DependencySkipped { dependency }));
    }
}

/// True if `start` can reach itself through the dependencies among `rest`.
fn on_cycle(start: &ImageInfo, rest: &[&ImageInfo]) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    let mut stack: Vec<&str> = start.depends_on.iter().map(String::as_str).collect();
    while let Some(name) = stack.pop() {
        if name == start.name {
            return true;
        }
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        if let Some(image) = rest.iter().find(|image| image.name == name) {
            stack.extend(image.depends_on.iter().map(String::as_str));
        }
    }
    false
}

#[cfg(test)]
#[path = "boot_order_tests.rs"]
mod tests;
