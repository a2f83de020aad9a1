//! Effective-permission summaries and least-privilege findings.
//!
//! A summary counts the catalogued actions a principal may perform, by service and access
//! level: each `Allow` statement's actions expanded through the [`Catalog`] (`NotAction` as
//! the complement), minus unconditional `Deny` statements on `*`, intersected with the
//! permissions boundary's grants when there is one. Conditions on `Allow` statements are
//! ignored (the summary is what *may* be allowed) and resource-scoped denies are not
//! subtracted. Expansion is done once per policy label; a principal's summary is a few
//! bitset operations over the ~22k catalogued actions.
//!
//! Least privilege: customer-managed policies allowing `*` or `service:*` (FSBP IAM.21),
//! and services a principal is granted but never used, from IAM's last-accessed data.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use super::super::catalog::{AccessLevel, ActionInfo, Catalog};
use super::super::{Effect, Layer, Policy, Statement, StatementRef};
use super::{AccountModel, PrincipalEntity};

/// Allowed actions of one service, by access level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    /// List actions.
    pub list: usize,
    /// Read actions.
    pub read: usize,
    /// Write actions (AWS lists `iam:PassRole` here).
    pub write: usize,
    /// Permissions-management actions.
    pub permissions_management: usize,
    /// Tagging actions.
    pub tagging: usize,
}

impl LevelCounts {
    fn add(&mut self, level: AccessLevel) {
        let slot = match level {
            AccessLevel::List => &mut self.list,
            AccessLevel::Read => &mut self.read,
            AccessLevel::Write => &mut self.write,
            AccessLevel::PermissionsManagement => &mut self.permissions_management,
            AccessLevel::Tagging => &mut self.tagging,
        };
        *slot += 1;
    }

    /// All levels together.
    pub fn total(&self) -> usize {
        self.list + self.read + self.write + self.permissions_management + self.tagging
    }
}

/// What a principal may do, counted over the action catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSummary {
    /// Allowed actions by service prefix and access level.
    pub by_service: BTreeMap<String, LevelCounts>,
    /// Allowed actions in all.
    pub total_actions: usize,
    /// Allowed actions granted on every resource (`"Resource": "*"` or `NotResource`).
    pub unrestricted_resource_actions: usize,
}

/// A customer-managed policy statement allowing wildcard actions (FSBP IAM.21).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardPolicy {
    /// The policy's ARN.
    pub policy_arn: String,
    /// The statement.
    pub statement: StatementRef,
    /// The wildcard patterns (`*`, `s3:*`).
    pub patterns: Vec<String>,
}

/// Granted services a principal never used in IAM's tracking period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedServices {
    /// The principal's ARN.
    pub arn: String,
    /// Service namespaces granted and never used.
    pub services: Vec<String>,
}

/// The catalogue with a dense index per action.
struct Index {
    actions: Vec<&'static ActionInfo>,
    ids: HashMap<&'static str, u32>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let actions: Vec<&'static ActionInfo> = Catalog::get().actions().collect();
    let ids = actions
        .iter()
        .zip(0u32..)
        .map(|(a, i)| (a.full_name(), i))
        .collect();
    Index { actions, ids }
});

/// A set of catalogue actions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty() -> Self {
        Self(vec![0; INDEX.actions.len().div_ceil(64)])
    }

    fn from_ids(ids: &[u32]) -> Self {
        let mut bits = Self::empty();
        bits.insert_all(ids);
        bits
    }

    fn insert_all(&mut self, ids: &[u32]) {
        for &id in ids {
            if let Some(word) = self.0.get_mut(id as usize / 64) {
                *word |= 1 << (id % 64);
            }
        }
    }

    fn remove_all(&mut self, ids: &[u32]) {
        for &id in ids {
            if let Some(word) = self.0.get_mut(id as usize / 64) {
                *word &= !(1 << (id % 64));
            }
        }
    }

    fn intersect(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                let bit = rest.trailing_zeros() as usize;
                (rest != 0).then(|| {
                    rest &= rest - 1;
                    i * 64 + bit
                })
            })
        })
    }
}

/// One document's actions, expanded once.
#[derive(Debug, Default)]
struct DocActions {
    /// Allowed on any resource (sorted ids).
    allowed: Vec<u32>,
    /// Allowed on every resource.
    unrestricted: Vec<u32>,
    /// Denied unconditionally on every resource.
    denied: Vec<u32>,
}

/// The catalogue ids of the actions a statement's `Action`/`NotAction` covers.
fn expand(statement: &Statement) -> Vec<u32> {
    let catalog = Catalog::get();
    let index = &*INDEX;
    let id = |a: &ActionInfo| index.ids.get(a.full_name()).copied();
    let patterns: Vec<&str> = statement
        .action
        .patterns
        .iter()
        .map(String::as_str)
        .collect();
    let mut ids: Vec<u32> = if statement.action.negated {
        catalog
            .expand_not_action(&patterns)
            .filter_map(id)
            .collect()
    } else {
        patterns
            .iter()
            .flat_map(|p| catalog.expand(p))
            .filter_map(id)
            .collect()
    };
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn on_every_resource(statement: &Statement) -> bool {
    statement
        .resource
        .as_ref()
        .is_none_or(|r| r.negated || r.patterns.iter().any(|p| p == "*"))
}

impl DocActions {
    fn of(policy: &Policy) -> Self {
        let mut doc = Self::default();
        for statement in &policy.statements {
            let ids = expand(statement);
            match statement.effect {
                Effect::Allow => {
                    if on_every_resource(statement) {
                        doc.unrestricted.extend(&ids);
                    }
                    doc.allowed.extend(ids);
                }
                Effect::Deny => {
                    let everywhere = statement
                        .resource
                        .as_ref()
                        .is_none_or(|r| !r.negated && r.patterns.iter().any(|p| p == "*"));
                    if everywhere && statement.is_unconditional() {
                        doc.denied.extend(ids);
                    }
                }
            }
        }
        for list in [&mut doc.allowed, &mut doc.unrestricted, &mut doc.denied] {
            list.sort_unstable();
            list.dedup();
        }
        doc
    }
}

/// Per-label cache of expanded documents.
#[derive(Default)]
struct Cache<'m>(HashMap<&'m str, DocActions>);

impl<'m> Cache<'m> {
    fn summarise(&mut self, entity: &'m PrincipalEntity) -> PermissionSummary {
        let mut allowed = Bits::empty();
        let mut unrestricted = Bits::empty();
        let mut denied: Vec<u32> = Vec::new();
        for doc in &entity.policies {
            let actions = self
                .0
                .entry(doc.label.as_str())
                .or_insert_with(|| DocActions::of(&doc.policy));
            allowed.insert_all(&actions.allowed);
            unrestricted.insert_all(&actions.unrestricted);
            denied.extend(&actions.denied);
        }
        allowed.remove_all(&denied);
        unrestricted.remove_all(&denied);
        if let Some(boundary) = &entity.boundary {
            let actions = self
                .0
                .entry(boundary.label.as_str())
                .or_insert_with(|| DocActions::of(&boundary.policy));
            let mut limit = Bits::from_ids(&actions.allowed);
            limit.remove_all(&actions.denied);
            allowed.intersect(&limit);
            unrestricted.intersect(&limit);
        }
        let mut counts: BTreeMap<&'static str, LevelCounts> = BTreeMap::new();
        for id in allowed.ids() {
            if let Some(info) = INDEX.actions.get(id) {
                counts.entry(info.service).or_default().add(info.access);
            }
        }
        let by_service = counts
            .into_iter()
            .map(|(service, c)| (service.to_owned(), c))
            .collect();
        PermissionSummary {
            by_service,
            total_actions: allowed.count(),
            unrestricted_resource_actions: unrestricted.count(),
        }
    }
}

/// The effective-permission summary of one principal.
pub fn permission_summary(entity: &PrincipalEntity) -> PermissionSummary {
    Cache::default().summarise(entity)
}

/// The summaries of every principal of `model`, by ARN, expanding each policy label once.
pub fn permission_summaries(model: &AccountModel) -> BTreeMap<String, PermissionSummary> {
    let mut cache = Cache::default();
    model
        .principals
        .iter()
        .map(|p| (p.arn.clone(), cache.summarise(p)))
        .collect()
}

/// Customer-managed policies with `Allow` statements on `*` or `service:*` actions, once
/// per policy even when attached to many principals.
pub fn wildcard_policies(model: &AccountModel) -> Vec<WildcardPolicy> {
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let docs = model.principals.iter().flat_map(|p| &p.policies);
    for doc in docs.filter(|d| d.is_customer_managed()) {
        let Some(arn) = doc.managed_policy_arn() else {
            continue;
        };
        if !seen.insert(arn) {
            continue;
        }
        for s in &doc.policy.statements {
            if s.effect != Effect::Allow || s.action.negated {
                continue;
            }
            let patterns: Vec<String> = s
                .action
                .patterns
                .iter()
                .filter(|p| *p == "*" || p.ends_with(":*"))
                .cloned()
                .collect();
            if patterns.is_empty() {
                continue;
            }
            found.push(WildcardPolicy {
                policy_arn: arn.to_owned(),
                statement: StatementRef {
                    policy: doc.label.clone(),
                    layer: Layer::Identity,
                    index: s.index,
                    sid: s.sid.clone(),
                },
                patterns,
            });
        }
    }
    found
}

/// For each principal with last-accessed data, the granted services it never used.
pub fn unused_services(
    model: &AccountModel,
    summaries: &BTreeMap<String, PermissionSummary>,
) -> Vec<UnusedServices> {
    let mut found = Vec::new();
    for entity in &model.principals {
        let (Some(accessed), Some(summary)) = (&entity.last_accessed, summaries.get(&entity.arn))
        else {
            continue;
        };
        let never: BTreeMap<String, Option<DateTime<Utc>>> = accessed
            .iter()
            .map(|a| (a.namespace.to_ascii_lowercase(), a.last_authenticated))
            .collect();
        let services: Vec<String> = summary
            .by_service
            .iter()
            .filter(|(_, counts)| counts.total() > 0)
            .filter(|(service, _)| matches!(never.get(&service.to_ascii_lowercase()), Some(None)))
            .map(|(service, _)| service.clone())
            .collect();
        if !services.is_empty() {
            found.push(UnusedServices {
                arn: entity.arn.clone(),
                services,
            });
        }
    }
    found
}
