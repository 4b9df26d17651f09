//! The Python references' packages: checked by importing them, installed
//! with pip when missing (as `tools/ml-golden/fetch.sh` uses pip).

use std::process::Command;

/// A reference implementation's Python module and how to install it.
pub(super) struct Reference {
    /// What the reference is, for messages.
    pub name: &'static str,
    /// The modules its script imports.
    pub modules: &'static [&'static str],
    /// `pip install` argument lists, run in order when a module is missing.
    pub installs: &'static [&'static [&'static str]],
}

/// llama.cpp through its Python binding (pip builds llama.cpp from source).
pub(super) const LLAMA_CPP: Reference = Reference {
    name: "llama-cpp-python",
    modules: &["llama_cpp"],
    installs: &[&["llama-cpp-python"]],
};

/// sentence-transformers, with PyTorch's CPU-only build first: from PyPI's
/// default index torch brings gigabytes of CUDA libraries nothing here uses.
pub(super) const SENTENCE_TRANSFORMERS: Reference = Reference {
    name: "sentence-transformers",
    modules: &["torch", "sentence_transformers"],
    installs: &[
        &[
            "torch",
            "--index-url",
            "https://download.pytorch.org/whl/cpu",
        ],
        &["sentence-transformers"],
    ],
};

/// hnswlib and numpy.
pub(super) const HNSWLIB: Reference = Reference {
    name: "hnswlib",
    modules: &["hnswlib", "numpy"],
    installs: &[&["numpy"], &["hnswlib"]],
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
    for args in reference.installs {
        // Only what is missing: an install of torch from its CPU index
        // must not replace a torch already there.
        let wanted = args
            .first()
            .map_or_else(String::new, |package| package.replace('-', "_"));
        if reference.modules.contains(&wanted.as_str()) && importable(&wanted) {
            continue;
        }
        let status = Command::new("nice")
            .args(["-n", "10", "python3", "-m", "pip", "install"])
            .args(*args)
            // Debian's Python refuses pip installs outside a venv unless
            // told (PEP 668); the benchmark machine is a disposable one.
            .env("PIP_BREAK_SYSTEM_PACKAGES", "1")
            .status()
            .map_err(|e| format!("running pip: {e}"))?;
        if !status.success() {
            return Err(format!("pip install {} failed ({status})", args.join(" ")));
        }
    }
    match reference.modules.iter().find(|m| !importable(m)) {
        Some(module) => Err(format!("`import {module}` fails after pip install")),
        None => Ok(()),
    }
}
