//! The host figures side by side: AIOS's, the reference's and their
//! ratio (above 1: AIOS is faster), as measures of the `ai` suite.

use super::host::{Host, Pair};
use crate::bench::Measure;

/// One figure of AIOS and a reference, and the ratio.
struct Compared<'a> {
    /// Measure name stem, like `llm_prompt_tokens_per_s`.
    name: &'a str,
    unit: &'a str,
    /// The reference's name in the measure names.
    reference: &'a str,
    aios: f64,
    theirs: Option<f64>,
    /// True for times (the ratio is then theirs ÷ ours).
    lower_is_better: bool,
    /// The ratio's target, if there is one.
    target: Option<&'a str>,
}

impl Compared<'_> {
    fn measures(&self) -> [Measure; 3] {
        let theirs = self.theirs.unwrap_or(f64::NAN);
        let ratio = if self.lower_is_better {
            theirs / self.aios
        } else {
            self.aios / theirs
        };
        let measure = |name: String, value: f64, unit: &str, target: Option<&str>| Measure {
            name,
            value,
            unit: unit.to_string(),
            target: target.map(String::from),
        };
        [
            measure(format!("{}_aios", self.name), self.aios, self.unit, None),
            measure(
                format!("{}_{}", self.name, self.reference),
                theirs,
                self.unit,
                None,
            ),
            measure(
                format!("{}_ratio", self.name),
                ratio,
                "x (above 1: AIOS faster)",
                self.target,
            ),
        ]
    }
}

fn reference<T>(pair: &Pair<T>, figure: impl Fn(&T) -> f64) -> Option<f64> {
    pair.reference.as_ref().ok().map(figure)
}

/// The host figures as measures: AIOS, the reference, the ratio.
pub(super) fn host_measures(host: &Host) -> Vec<Measure> {
    let speed = |name, unit, reference, aios, theirs| Compared {
        name,
        unit,
        reference,
        aios,
        theirs,
        lower_is_better: false,
        target: Some(">= 1"),
    };
    let (llm, embed, hnsw) = (&host.llm, &host.embed, &host.hnsw);
    let mut compared = vec![
        speed(
            "llm_prompt_tokens_per_s",
            "tokens/s",
            "llamacpp",
            llm.aios.prompt_tokens_per_s,
            reference(llm, |l| l.prompt_tokens_per_s),
        ),
        speed(
            "llm_generation_tokens_per_s",
            "tokens/s",
            "llamacpp",
            llm.aios.generation_tokens_per_s,
            reference(llm, |l| l.generation_tokens_per_s),
        ),
        speed(
            "embeddings_per_s",
            "embeddings/s",
            "sentence_transformers",
            embed.aios.all,
            reference(embed, |e| e.all),
        ),
        speed(
            "embeddings_short_per_s",
            "embeddings/s",
            "sentence_transformers",
            embed.aios.short,
            reference(embed, |e| e.short),
        ),
        speed(
            "hnsw_queries_per_s",
            "queries/s",
            "hnswlib",
            hnsw.aios.queries_per_s,
            reference(hnsw, |h| h.queries_per_s),
        ),
    ];
    compared.push(Compared {
        target: None,
        lower_is_better: true,
        ..speed(
            "hnsw_build_s",
            "s CPU",
            "hnswlib",
            hnsw.aios.build_s,
            reference(hnsw, |h| h.build_s),
        )
    });
    let mut out: Vec<Measure> = compared.iter().flat_map(Compared::measures).collect();
    // The operating point the queries per second were measured at.
    for (who, point) in [
        ("aios", Some(&hnsw.aios)),
        ("hnswlib", hnsw.reference.as_ref().ok()),
    ] {
        let (recall, ef) = point.map_or((f64::NAN, f64::NAN), |h| (h.recall, h.ef));
        out.push(Measure {
            name: format!("hnsw_recall_at_10_{who}"),
            value: recall,
            unit: "recall".to_string(),
            target: Some(">= 0.95".to_string()),
        });
        out.push(Measure {
            name: format!("hnsw_ef_{who}"),
            value: ef,
            unit: "ef".to_string(),
            target: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse::{Embed, Hnsw, Llm};
    use super::*;

    #[test]
    fn host_figures_become_side_by_side_measures() {
        let hnsw = |build_s, queries_per_s| Hnsw {
            build_s,
            ef: 16.0,
            recall: 0.96,
            queries_per_s,
        };
        let host = Host {
            llm: Pair {
                aios: Llm {
                    prompt_tokens_per_s: 80.0,
                    generation_tokens_per_s: 30.0,
                },
                reference: Ok(Llm {
                    prompt_tokens_per_s: 40.0,
                    generation_tokens_per_s: 60.0,
                }),
            },
            embed: Pair {
                aios: Embed {
                    all: 30.0,
                    short: 60.0,
                },
                reference: Err("no torch".to_string()),
            },
            hnsw: Pair {
                aios: hnsw(100.0, 7000.0),
                reference: Ok(hnsw(50.0, 14000.0)),
            },
        };
        let measures = host_measures(&host);
        let find = |name: &str| measures.iter().find(|m| m.name == name).unwrap();
        assert_eq!(find("llm_prompt_tokens_per_s_ratio").value, 2.0);
        assert_eq!(find("llm_generation_tokens_per_s_ratio").value, 0.5);
        assert_eq!(
            find("llm_generation_tokens_per_s_ratio").target.as_deref(),
            Some(">= 1")
        );
        assert_eq!(find("llm_prompt_tokens_per_s_llamacpp").value, 40.0);
        assert!(
            find("embeddings_per_s_sentence_transformers")
                .value
                .is_nan()
        );
        assert!(find("embeddings_per_s_ratio").value.is_nan());
        assert_eq!(find("hnsw_queries_per_s_ratio").value, 0.5);
        assert_eq!(find("hnsw_build_s_ratio").value, 0.5);
        assert_eq!(find("hnsw_build_s_ratio").target, None);
        assert_eq!(find("hnsw_recall_at_10_hnswlib").value, 0.96);
    }
}
