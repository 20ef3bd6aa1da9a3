//! The data strategy: a generated fleet's documents picked by position, plus adversarial documents.
//!
//! A [`DataSpec`] names one fleet ([`FleetParams`], drawn from a small set so fleets are built once per
//! process and reused), the positions of the fleet documents the case uses (labelled attack documents
//! are over-represented) and adversarial document recipes. Proptest shrinks it by dropping picks and
//! recipes, so a failure ends with the few documents it needs.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;

use super::adversarial::{AdversarialDoc, adversarial_doc};
use super::dataset::SourceDoc;
use super::fleet_pool::{FleetParams, PROFILES, fleet};
use super::vocabulary::Vocabulary;

/// Number of distinct seeds fleets are drawn with (fleets are cached per parameter set).
pub const FLEET_SEEDS: u64 = 4;

/// A dataset recipe; see the module doc.
#[derive(Debug, Clone)]
pub struct DataSpec {
    /// The fleet documents come from.
    pub fleet: FleetParams,
    /// Document picks: `p % 4 == 0` picks among labelled documents, else among all.
    pub picks: Vec<u32>,
    /// Adversarial documents, appended after the fleet documents.
    pub adversarial: Vec<AdversarialDoc>,
}

/// Fleet parameters: one of `FLEET_SEEDS × PROFILES` small fleets, each with a scenario selection
/// tied to its seed.
pub fn fleet_params() -> impl Strategy<Value = FleetParams> {
    (0..FLEET_SEEDS, 0..PROFILES).prop_map(|(seed, profile)| FleetParams {
        seed: seed + 1,
        hosts: 1 + (seed as u32 % 3),
        minutes: 30,
        profile,
        scenarios: (seed % 4) as u8,
    })
}

/// Dataset recipes with up to `max_fleet` fleet documents and `max_adversarial` adversarial ones.
pub fn data_spec(max_fleet: usize, max_adversarial: usize) -> impl Strategy<Value = DataSpec> {
    (
        fleet_params(),
        vec(any::<u32>(), 0..=max_fleet),
        vec(adversarial_doc(), 0..=max_adversarial),
    )
        .prop_map(|(fleet, picks, adversarial)| DataSpec {
            fleet,
            picks,
            adversarial,
        })
}

impl DataSpec {
    /// The documents: picked fleet documents (each at most once, in pick order), then the adversarial
    /// ones.
    pub fn docs(&self, vocab: &Vocabulary) -> Vec<SourceDoc> {
        let f = fleet(self.fleet);
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in &self.picks {
            if f.docs.is_empty() {
                break;
            }
            let i = if p % 4 == 0 && !f.labelled.is_empty() {
                f.labelled[(p / 4) as usize % f.labelled.len()]
            } else {
                *p as usize % f.docs.len()
            };
            if seen.insert(i) {
                let d = &f.docs[i];
                out.push(SourceDoc {
                    index: d.index.clone(),
                    json: d.json.clone(),
                    indexed: Some(d.document.clone()),
                });
            }
        }
        out.extend(self.adversarial.iter().map(|a| a.render(vocab)));
        out
    }
}
