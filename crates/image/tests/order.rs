//! Boot order: dependencies first, given order otherwise, errors named.

use aios_image::{Error, boot_order};

fn agents(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    list.iter()
        .map(|(name, deps)| {
            (
                name.to_string(),
                deps.iter().map(|d| d.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn independent_agents_keep_their_order() {
    let order = boot_order(&agents(&[("c", &[]), ("a", &[]), ("b", &[])]));
    assert_eq!(order, Ok(vec!["c".into(), "a".into(), "b".into()]));
    assert_eq!(boot_order(&[]), Ok(vec![]));
}

#[test]
fn dependencies_come_first() {
    let list = agents(&[
        ("web", &["db", "log"]),
        ("db", &["log"]),
        ("log", &[]),
        ("shell", &[]),
    ]);
    let order = boot_order(&list).expect("orders");
    assert_eq!(order, ["log", "db", "web", "shell"]);
    for (name, deps) in &list {
        let at = order.iter().position(|n| n == name).expect("placed");
        for dep in deps {
            assert!(order.iter().position(|n| n == dep).expect("placed") < at);
        }
    }
}

#[test]
fn a_cycle_is_refused_naming_an_agent_on_it() {
    let result = boot_order(&agents(&[
        ("free", &[]),
        ("a", &["b"]),
        ("b", &["c"]),
        ("c", &["a"]),
    ]));
    let Err(Error::DependencyCycle(name)) = result else {
        panic!("{result:?}");
    };
    assert!(["a", "b", "c"].contains(&name.as_str()), "{name}");
    // An agent hanging off the cycle is not named as on it.
    let result = boot_order(&agents(&[("tail", &["x"]), ("x", &["y"]), ("y", &["x"])]));
    assert!(
        matches!(&result, Err(Error::DependencyCycle(n)) if n == "x" || n == "y"),
        "{result:?}"
    );
    assert_eq!(
        boot_order(&agents(&[("self", &["self"])])),
        Err(Error::DependencyCycle("self".into()))
    );
}

#[test]
fn an_unknown_dependency_names_both_agents() {
    assert_eq!(
        boot_order(&agents(&[("web", &[]), ("api", &["web", "db"])])),
        Err(Error::UnknownDependency {
            agent: "api".into(),
            missing: "db".into()
        })
    );
}

#[test]
fn a_duplicate_agent_is_refused() {
    assert_eq!(
        boot_order(&agents(&[("a", &[]), ("a", &[])])),
        Err(Error::DuplicateAgent("a".into()))
    );
}
