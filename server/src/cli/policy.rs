//! `rampart policy`: test a policy document before deploying it. `eval` decides one
//! request the way AWS does; `check` reports what the analyses find in the document.

use super::{EXIT_OK, EXIT_USAGE};
use rampart_engine::policy::{
    self, Context, Outcome, PolicySet, Principal, Request, StatementRef, parse_policy,
};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Decide one request against a policy document. Prints the decision (`Allow`,
    /// `ExplicitDeny` or `ImplicitDeny`) on the first line, then the statements that made it.
    Eval(EvalArgs),
    /// Report what Rampart's analyses find in one policy document: wildcard actions,
    /// admin-equivalent grants, privilege-escalation primitives, public or cross-account
    /// access.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 evaluated (whatever the decision); 2 bad arguments or a malformed document (the message says where)."
)]
pub struct EvalArgs {
    /// The identity policy (JSON, raw or URL-encoded as IAM returns it).
    pub file: PathBuf,
    /// The action, `service:Operation` (e.g. `s3:GetObject`).
    #[arg(long)]
    pub action: String,
    /// The resource ARN (`*` for actions without a resource).
    #[arg(long, default_value = "*")]
    pub resource: String,
    /// A request condition key, `KEY=VALUE`; repeat it, and a repeated key becomes
    /// multi-valued (`--context aws:TagKeys=a --context aws:TagKeys=b`).
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_context_pair)]
    pub context: Vec<(String, String)>,
    /// The calling principal's ARN.
    #[arg(long, default_value = "arn:aws:iam::111122223333:user/policy-eval")]
    pub principal: String,
    /// A permissions boundary to intersect with the identity policy.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// The resource's policy (bucket policy, key policy, trust policy, ...).
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,
    /// The account owning the resource (another than the principal's makes the request
    /// cross-account, where both sides must allow).
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub resource_account: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 nothing found; 1 findings; 2 bad arguments or a malformed document."
)]
pub struct CheckArgs {
    /// The policy document (identity, resource or trust policy; JSON, raw or URL-encoded).
    pub file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// The account owning the resource or role (principals of other accounts are
    /// cross-account).
    #[arg(long, value_name = "ACCOUNT_ID", default_value = "111122223333")]
    pub account: String,
}

fn parse_context_pair(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))?;
    if k.trim().is_empty() {
        return Err(format!("`{s}` has an empty key"));
    }
    Ok((k.trim().to_owned(), v.to_owned()))
}

/// A document read and parsed, or the usage error that says where it is wrong.
fn load(path: &Path) -> Result<policy::Policy, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading `{}`: {e}", path.display()))?;
    parse_policy(&text).map_err(|e| format!("`{}` is not a valid policy: {e}", path.display()))
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

pub fn run(cmd: PolicyCommand) -> anyhow::Result<u8> {
    match cmd {
        PolicyCommand::Eval(args) => eval(args),
        PolicyCommand::Check(args) => check(args),
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("rampart: {message}");
    EXIT_USAGE
}

fn eval(args: EvalArgs) -> anyhow::Result<u8> {
    let identity = match load(&args.file) {
        Ok(p) => p,
        Err(e) => return Ok(usage(&e)),
    };
    let mut set = PolicySet {
        identity: vec![(label(&args.file), identity)],
        ..Default::default()
    };
    for (slot, path) in [
        (&mut set.permission_boundary, &args.boundary),
        (&mut set.resource_policy, &args.resource_policy),
    ] {
        if let Some(path) = path {
            match load(path) {
                Ok(p) => *slot = Some((label(path), p)),
                Err(e) => return Ok(usage(&e)),
            }
        }
    }
    let mut context = Context::new();
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in &args.context {
        if !keys.iter().any(|seen| seen.eq_ignore_ascii_case(k)) {
            keys.push(k);
        }
    }
    for key in keys {
        let values: Vec<String> = args
            .context
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .collect();
        context.insert(key, values);
    }
    let mut request = Request::new(
        Principal::from_arn(&args.principal),
        &args.action,
        &args.resource,
    );
    request.resource_account = args.resource_account.clone();
    request.context = context;
    let decision = policy::evaluate(&request, &set);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", outcome_name(decision.outcome))?;
    if decision.deciding.is_empty() {
        let why = match decision.outcome {
            Outcome::ImplicitDeny => "no statement allows this request",
            _ => "no statement recorded",
        };
        writeln!(out, "  {why}")?;
    }
    for r in &decision.deciding {
        writeln!(out, "  {}", describe(r))?;
    }
    Ok(EXIT_OK)
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Allow => "Allow",
        Outcome::ExplicitDeny => "ExplicitDeny",
        Outcome::ImplicitDeny => "ImplicitDeny",
    }
}

/// `Statement[2] (Sid "DenyDelete") of identity policy `p.json``.
fn describe(r: &StatementRef) -> String {
    let layer = match r.layer {
        policy::Layer::Scp => "service control policy",
        policy::Layer::Resource => "resource policy",
        policy::Layer::Boundary => "permissions boundary",
        policy::Layer::Identity => "identity policy",
        policy::Layer::Session => "session policy",
    };
    match &r.sid {
        Some(sid) => format!(
            "Statement[{}] (Sid \"{sid}\") of {layer} `{}`",
            r.index, r.policy
        ),
        None => format!("Statement[{}] of {layer} `{}`", r.index, r.policy),
    }
}

/// One thing `policy check` found.
#[derive(Debug, serde::Serialize)]
struct Issue {
    severity: &'static str,
    kind: &'static str,
    message: String,
    statements: Vec<String>,
}

fn check(args: CheckArgs) -> anyhow::Result<u8> {
    let doc = match load(&args.file) {
        Ok(p) => p,
        Err(e) => return Ok(usage(&e)),
    };
    let label = label(&args.file);
    let issues = analyse_document(&doc, &label, &args.account);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &issues)?;
        writeln!(out)?;
    } else if issues.is_empty() {
        writeln!(out, "no findings in `{label}`")?;
    } else {
        for i in &issues {
            writeln!(out, "{:<8} {:<22} {}", i.severity, i.kind, i.message)?;
            for s in &i.statements {
                writeln!(out, "{:<31} {s}", "")?;
            }
        }
    }
    Ok(if issues.is_empty() {
        EXIT_OK
    } else {
        super::EXIT_FINDINGS
    })
}

/// The analyses applied to one document: statements with a `Principal` are judged as a
/// resource or trust policy (public, cross-account, federated without audience); the
/// others as an identity policy held by a user of `account` (admin-equivalent,
/// escalation to administrator, wildcard actions).
fn analyse_document(doc: &policy::Policy, label: &str, account: &str) -> Vec<Issue> {
    use rampart_engine::policy::analysis::{
        AccountModel, AdminBasis, AttachedDoc, EntityKind, Exposure, PrincipalEntity, Via,
        admin_principals, classify_statement, escalation_paths,
    };
    let mut issues = Vec::new();
    let trust = doc.statements.iter().any(|s| {
        s.action
            .patterns
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("sts:assumerole"))
    });
    for s in doc.statements.iter().filter(|s| s.principal.is_some()) {
        let at = vec![s.name()];
        let (severity, kind, message) = match classify_statement(s, account, trust) {
            Exposure::Public => (
                "critical",
                "public",
                "anyone may use it: the principal is `*` and no condition restricts who".to_owned(),
            ),
            Exposure::CrossAccount(a) => (
                "low",
                "cross-account",
                format!("grants other accounts: {}", a.join(", ")),
            ),
            Exposure::CrossAccountWithoutExternalId(a) => (
                "medium",
                "no-external-id",
                format!(
                    "accounts {} may assume it without an `sts:ExternalId` condition",
                    a.join(", ")
                ),
            ),
            Exposure::FederatedWithoutAudience(p) => (
                "high",
                "federated-no-audience",
                format!("identities of `{p}` may assume it without an audience condition"),
            ),
            Exposure::ServiceWithoutSourceCondition(svc) => (
                "low",
                "confused-deputy",
                format!("service `{svc}` is granted without `aws:SourceAccount` / `aws:SourceArn`"),
            ),
            Exposure::None => continue,
        };
        issues.push(Issue {
            severity,
            kind,
            message,
            statements: at,
        });
    }
    if doc.statements.iter().all(|s| s.principal.is_some()) {
        return issues;
    }
    // As an identity policy of a user of the account.
    let user = format!("arn:aws:iam::{account}:user/policy-check");
    let mut entity = PrincipalEntity::new(EntityKind::User, &user, "policy-check");
    entity.policies.push(AttachedDoc {
        label: label.to_owned(),
        via: Via::Inline,
        policy: doc.clone(),
    });
    let model = AccountModel {
        account_id: account.to_owned(),
        principals: vec![entity],
        resource_policies: vec![],
    };
    for a in admin_principals(&model) {
        let what = match a.basis {
            AdminBasis::FullAccess => "grants full access to every action on every resource",
            AdminBasis::PermissionsManagement => {
                "grants permission management on every resource (admin-equivalent)"
            }
        };
        let cond = if a.conditional {
            " when its conditions hold"
        } else {
            ""
        };
        issues.push(Issue {
            severity: if a.conditional { "high" } else { "critical" },
            kind: "admin-equivalent",
            message: format!("{what}{cond}"),
            statements: a
                .evidence
                .iter()
                .map(|(action, refs)| {
                    format!(
                        "{action}: {}",
                        refs.iter()
                            .map(|r| format!("Statement[{}]", r.index))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect(),
        });
    }
    for path in escalation_paths(&model) {
        issues.push(Issue {
            severity: "high",
            kind: "privilege-escalation",
            message: format!(
                "can become administrator: {}",
                path.steps
                    .iter()
                    .map(|s| format!("{} ({})", s.technique, s.actions.join(" + ")))
                    .collect::<Vec<_>>()
                    .join(", then ")
            ),
            statements: path
                .steps
                .iter()
                .flat_map(|s| {
                    s.granted_by
                        .iter()
                        .map(|r| format!("Statement[{}]", r.index))
                })
                .collect(),
        });
    }
    for s in doc
        .statements
        .iter()
        .filter(|s| s.effect == policy::Effect::Allow && s.principal.is_none())
    {
        let wild: Vec<&str> = s
            .action
            .patterns
            .iter()
            .filter(|p| *p == "*" || p.ends_with(":*"))
            .map(String::as_str)
            .collect();
        if s.action.negated {
            issues.push(Issue {
                severity: "medium",
                kind: "not-action",
                message: format!(
                    "allows every action except {} (including future ones)",
                    s.action.patterns.join(", ")
                ),
                statements: vec![s.name()],
            });
        } else if !wild.is_empty() {
            issues.push(Issue {
                severity: "low",
                kind: "wildcard-action",
                message: format!("allows whole services: {} (FSBP IAM.21)", wild.join(", ")),
                statements: vec![s.name()],
            });
        }
    }
    issues
}
