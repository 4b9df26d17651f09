//! The Python references' packages: checked by importing them, installed
//! with pip when missing (as `tools/ml-golden/fetch.sh` uses pip).

use std::process::Command;

/// A reference implementation's Python module and how to install it.
pub(super) struct Reference {
    /// What the reference is, for messages.
    pub name: &'static str,
    /// The modules its script imports.
    pub modules: &'static [&'static str],
    /// Install steps, run in order when a module is missing; each step is
    /// a list of `pip install` argument lists tried until one succeeds.
    pub installs: &'static [&'static [&'static [&'static str]]],
}

/// llama.cpp through its Python binding (pip builds llama.cpp from source).
pub(super) const LLAMA_CPP: Reference = Reference {
    name: "llama-cpp-python",
    modules: &["llama_cpp"],
    installs: &[&[&["llama-cpp-python"]]],
};

/// sentence-transformers, with PyTorch's CPU-only build first: from PyPI's
/// default index torch brings gigabytes of CUDA libraries nothing here uses,
/// so PyPI is the fallback for machines that reach only the registries.
pub(super) const SENTENCE_TRANSFORMERS: Reference = Reference {
    name: "sentence-transformers",
    modules: &["torch", "sentence_transformers"],
    installs: &[
        &[
            &[
                "torch",
                "--index-url",
                "https://download.pytorch.org/whl/cpu",
            ],
            &["torch"],
        ],
        &[&["sentence-transformers"]],
    ],
};

/// hnswlib and numpy.
pub(super) const HNSWLIB: Reference = Reference {
    name: "hnswlib",
    modules: &["hnswlib", "numpy"],
    installs: &[&[&["numpy"]], &[&["hnswlib"]]],
};

fn importable(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Makes `reference` importable, installing what is missing; `Err` says
/// why it cannot be (no Python, pip failed).
pub(super) fn ensure(reference: &Reference) -> Result<(), String> {
    if reference.modules.iter().all(|m| importable(m)) {
        return Ok(());
    }
    println!(
        "xtask: installing {} with pip (a first install may take minutes) …",
        reference.name
    );
    for alternatives in reference.installs {
        // Only what is missing: an install of torch from its CPU index
        // must not replace a torch already there.
        let wanted = alternatives
            .first()
            .and_then(|args| args.first())
            .map_or_else(String::new, |package| package.replace('-', "_"));
        if reference.modules.contains(&wanted.as_str()) && importable(&wanted) {
            continue;
        }
        let mut failures = Vec::new();
        for args in *alternatives {
            match pip_install(args) {
                Ok(()) => break,
                Err(why) => failures.push(why),
            }
        }
        if failures.len() == alternatives.len() {
            return Err(failures.join("; "));
        }
    }
    match reference.modules.iter().find(|m| !importable(m)) {
        Some(module) => Err(format!("`import {module}` fails after pip install")),
        None => Ok(()),
    }
}

/// Runs `pip install ARGS`.
fn pip_install(args: &[&str]) -> Result<(), String> {
    let status = Command::new("nice")
        .args(["-n", "10", "python3", "-m", "pip", "install"])
        .args(args)
        // Debian's Python refuses pip installs outside a venv unless told
        // (PEP 668); the benchmark machine is a disposable one.
        .env("PIP_BREAK_SYSTEM_PACKAGES", "1")
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("pip install {} failed ({status})", args.join(" ")))
    }
}
