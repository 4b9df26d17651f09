//! Tests of the boot plan: ordering, cycles, missing and refused
//! dependencies.

use super::*;
use aios_sdk::restart_mode;

fn image(name: &str, depends_on: &[&str]) -> ImageInfo {
    ImageInfo {
        name: name.into(),
        refused: None,
        start_at_boot: true,
        depends_on: depends_on.iter().map(|d| String::from(*d)).collect(),
        restart_mode: restart_mode::ON_FAILURE,
        max_restarts: 3,
        backoff_initial_ms: 100,
        backoff_max_ms: 1000,
        window_ms: 60_000,
        deployed: false,
    }
}

fn names(plan: &BootPlan) -> Vec<&str> {
    plan.order.iter().map(String::as_str).collect()
}

#[test]
fn dependencies_come_first_and_bundle_order_breaks_ties() {
    let images = [
        image("supervisor", &[]),
        image("web", &["store", "net"]),
        image("net", &[]),
        image("store", &["net", "supervisor"]),
        image("console", &[]),
    ];
    let plan = plan(&images, "supervisor");
    assert_eq!(names(&plan), ["net", "store", "web", "console"]);
    assert!(plan.skipped.is_empty());
}

#[test]
fn images_not_at_boot_are_left_out() {
    let mut hello = image("hello", &[]);
    hello.start_at_boot = false;
    let plan = plan(&[hello, image("console", &[])], "supervisor");
    assert_eq!(names(&plan), ["console"]);
    assert!(plan.skipped.is_empty());
}

#[test]
fn missing_refused_and_non_boot_dependencies_skip_their_dependents() {
    let mut bad = image("bad", &[]);
    bad.refused = Some("bad signature".into());
    let mut lazy = image("lazy", &[]);
    lazy.start_at_boot = false;
    let images = [
        bad,
        lazy,
        image("a", &["ghost"]),
        image("b", &["bad"]),
        image("c", &["lazy"]),
        image("d", &["a"]),
        image("e", &["d"]),
        image("ok", &[]),
    ];
    let plan = plan(&images, "supervisor");
    assert_eq!(names(&plan), ["ok"]);
    let dependency = |name: &str| String::from(name);
    assert_eq!(
        plan.skipped,
        [
            (
                "bad".into(),
                Error::Refused {
                    reason: "bad signature".into()
                }
            ),
            (
                "a".into(),
                Error::MissingDependency {
                    dependency: dependency("ghost")
                }
            ),
            (
                "b".into(),
                Error::DependencyRefused {
                    dependency: dependency("bad")
                }
            ),
            (
                "c".into(),
                Error::DependencyNotAtBoot {
                    dependency: dependency("lazy")
                }
            ),
            (
                "d".into(),
                Error::DependencySkipped {
                    dependency: dependency("a")
                }
            ),
            (
                "e".into(),
                Error::DependencySkipped {
                    dependency: dependency("d")
                }
            ),
        ]
    );
}

#[test]
fn a_cycle_skips_its_members_and_what_depends_on_them() {
    let images = [
        image("x", &["y"]),
        image("y", &["z"]),
        image("z", &["x"]),
        image("w", &["z"]),
        image("free", &[]),
    ];
    let plan = plan(&images, "supervisor");
    assert_eq!(names(&plan), ["free"]);
    assert_eq!(
        plan.skipped,
        [
            ("x".into(), Error::DependencyCycle),
            ("y".into(), Error::DependencyCycle),
            ("z".into(), Error::DependencyCycle),
            (
                "w".into(),
                Error::DependencySkipped {
                    dependency: "z".into()
                }
            ),
        ]
    );
}
