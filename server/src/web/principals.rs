//! Loaders of the principal pages: the latest scan's inventory, analysed by the engine's
//! policy analyses, turned into the app's view models. One analysis is kept per scan (the
//! inventory of a scan never changes), so browsing principals does not re-analyse.

use super::{AppState, WebError};
use crate::jobs::scannable;
use rampart_app::model::{
    EscalationPathView, EscalationStepView, GraphEdge, GraphNode, GraphView, PrincipalData,
    PrincipalRow, PrincipalsData, ServicePermissions,
};
use rampart_engine::access::{Model, analyse_inventory};
use rampart_engine::policy::analysis::{
    AccountAnalysis, AdminBasis, EntityKind, Exposure, ExposureSubject, PrincipalEntity, Via,
};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// One scan's analysis model and results.
type Analysed = Arc<(Model, AccountAnalysis)>;

/// The analyses of the last few scans looked at.
#[derive(Default)]
pub struct AnalysisCache {
    entries: Mutex<VecDeque<(i64, Analysed)>>,
}

const KEEP: usize = 4;

impl AppState {
    async fn analysis(&self, account: &str) -> Result<(i64, Analysed), WebError> {
        let scan_id = self.store().latest_scan_id(account).await?.ok_or_else(|| {
            WebError::not_found(format!("account `{account}` has no finished scan yet"))
        })?;
        if let Ok(entries) = self.inner.analyses.entries.lock()
            && let Some((_, a)) = entries.iter().find(|(id, _)| *id == scan_id)
        {
            return Ok((scan_id, a.clone()));
        }
        let inventory = self.store().scan_inventory(scan_id).await?;
        let analysed = tokio::task::spawn_blocking(move || analyse_inventory(&inventory))
            .await
            .map_err(|e| {
                WebError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!("policy analysis: {e}"),
                )
            })?;
        let analysed = Arc::new(analysed);
        if let Ok(mut entries) = self.inner.analyses.entries.lock() {
            entries.push_front((scan_id, analysed.clone()));
            entries.truncate(KEEP);
        }
        Ok((scan_id, analysed))
    }

    pub async fn principals(
        &self,
        account: &str,
        scope: &crate::access::Scope,
    ) -> Result<PrincipalsData, WebError> {
        let a = self.store().visible_account(account, scope).await?;
        let (scan_id, analysed) = self.analysis(account).await?;
        let (model, analysis) = &*analysed;
        Ok(PrincipalsData {
            account: a.info(scannable(&a)),
            scan_id,
            principals: model
                .model
                .principals
                .iter()
                .map(|p| row(p, analysis))
                .collect(),
            problems: model
                .problems
                .iter()
                .map(|p| (p.label.clone(), p.error.to_string()))
                .collect(),
        })
    }

    pub async fn principal(
        &self,
        account: &str,
        arn: &str,
        scope: &crate::access::Scope,
    ) -> Result<PrincipalData, WebError> {
        let a = self.store().visible_account(account, scope).await?;
        let (scan_id, analysed) = self.analysis(account).await?;
        let (model, analysis) = &*analysed;
        let p = model
            .model
            .principals
            .iter()
            .find(|p| p.arn == arn)
            .ok_or_else(|| {
                WebError::not_found(format!("no principal `{arn}` in scan #{scan_id}"))
            })?;
        let mut by_service: Vec<ServicePermissions> = analysis
            .summaries
            .get(&p.arn)
            .map(|s| {
                s.by_service
                    .iter()
                    .map(|(service, c)| ServicePermissions {
                        service: service.clone(),
                        list: c.list,
                        read: c.read,
                        write: c.write,
                        permissions_management: c.permissions_management,
                        tagging: c.tagging,
                    })
                    .collect()
            })
            .unwrap_or_default();
        by_service.sort_by(|x, y| {
            y.total()
                .cmp(&x.total())
                .then_with(|| x.service.cmp(&y.service))
        });
        let paths: Vec<EscalationPathView> = analysis
            .escalations
            .iter()
            .filter(|e| e.from == p.arn)
            .map(|e| EscalationPathView {
                reaches: e.reaches.clone(),
                steps: e
                    .steps
                    .iter()
                    .map(|s| EscalationStepView {
                        technique: s.technique.to_owned(),
                        actions: s.actions.iter().map(|a| (*a).to_owned()).collect(),
                        target: s.target.clone(),
                        granted_by: s.granted_by.iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect();
        Ok(PrincipalData {
            account: a.info(scannable(&a)),
            scan_id,
            principal: row(p, analysis),
            policies: p
                .policies
                .iter()
                .map(|d| {
                    let via = match &d.via {
                        Via::Attached => "attached".to_owned(),
                        Via::Inline => "inline".to_owned(),
                        Via::Group(g) => format!("through group {g}"),
                    };
                    (d.label.clone(), via)
                })
                .collect(),
            boundary: p.boundary.as_ref().map(|b| b.label.clone()),
            by_service,
            admin_evidence: analysis
                .admins
                .iter()
                .filter(|x| x.arn == p.arn)
                .flat_map(|x| {
                    let basis = match x.basis {
                        AdminBasis::FullAccess => "full access",
                        AdminBasis::PermissionsManagement => "permission management on `*`",
                    };
                    let cond = if x.conditional {
                        " (only when its conditions hold)"
                    } else {
                        ""
                    };
                    x.evidence.iter().map(move |(action, refs)| {
                        format!(
                            "{basis}{cond}: {action} allowed by {}",
                            refs.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join("; ")
                        )
                    })
                })
                .collect(),
            graph: graph(&p.arn, &paths),
            paths,
            exposures: analysis
                .exposures
                .iter()
                .filter(|x| x.arn == p.arn && x.subject == ExposureSubject::RoleTrust)
                .filter_map(|x| {
                    exposure_text(&x.exposure).map(|t| format!("{t} ({})", x.statement))
                })
                .collect(),
        })
    }
}

fn exposure_text(e: &Exposure) -> Option<String> {
    match e {
        Exposure::Public => Some("anyone (public)".into()),
        Exposure::CrossAccount(a) => Some(format!("other accounts: {}", a.join(", "))),
        Exposure::CrossAccountWithoutExternalId(a) => Some(format!(
            "other accounts without external id: {}",
            a.join(", ")
        )),
        Exposure::FederatedWithoutAudience(p) => {
            Some(format!("`{p}` without an audience condition"))
        }
        Exposure::ServiceWithoutSourceCondition(s) => {
            Some(format!("service `{s}` without a source account condition"))
        }
        Exposure::None => None,
    }
}

fn row(p: &PrincipalEntity, analysis: &AccountAnalysis) -> PrincipalRow {
    let summary = analysis.summaries.get(&p.arn);
    PrincipalRow {
        arn: p.arn.clone(),
        name: p.name.clone(),
        kind: match p.kind {
            EntityKind::User => "user",
            EntityKind::Role => "role",
            EntityKind::Group => "group",
        }
        .to_owned(),
        admin: analysis
            .admins
            .iter()
            .any(|a| a.arn == p.arn && !a.conditional),
        escalation_paths: analysis
            .escalations
            .iter()
            .filter(|e| e.from == p.arn)
            .count(),
        allowed_actions: summary.map_or(0, |s| s.total_actions),
        unrestricted_actions: summary.map_or(0, |s| s.unrestricted_resource_actions),
        exposure: analysis
            .exposures
            .iter()
            .filter(|x| x.arn == p.arn && x.subject == ExposureSubject::RoleTrust)
            .find_map(|x| match &x.exposure {
                Exposure::Public => Some("public trust".to_owned()),
                Exposure::CrossAccountWithoutExternalId(_) => {
                    Some("cross-account, no external id".to_owned())
                }
                Exposure::FederatedWithoutAudience(_) => Some("federated, no audience".to_owned()),
                _ => None,
            }),
    }
}

/// The principal's paths as a layered graph: column = step number.
fn graph(start: &str, paths: &[EscalationPathView]) -> GraphView {
    let mut g = GraphView::default();
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |g: &mut GraphView, id: &str, column: usize, role: &str| {
        if index.contains_key(id) {
            return;
        }
        let row = rows.entry(column).or_default();
        index.insert(id.to_owned(), g.nodes.len());
        g.nodes.push(GraphNode {
            id: id.to_owned(),
            label: id.rsplit([':', '/']).next().unwrap_or(id).to_owned(),
            role: role.to_owned(),
            column,
            row: *row,
        });
        *row += 1;
    };
    add(&mut g, start, 0, "start");
    for path in paths {
        let mut from = start.to_owned();
        for (i, step) in path.steps.iter().enumerate() {
            let last = i + 1 == path.steps.len();
            let to = if last && path.reaches == "admin" {
                "admin".to_owned()
            } else {
                step.target.clone()
            };
            add(&mut g, &to, i + 1, if last { "admin" } else { "principal" });
            let edge = GraphEdge {
                from: from.clone(),
                to: to.clone(),
                label: step.technique.clone(),
            };
            if !g.edges.contains(&edge) {
                g.edges.push(edge);
            }
            from = to;
        }
    }
    g
}
