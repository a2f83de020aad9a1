//! The request being authorised: who, what action, on which resource, with which context.

use super::context::Context;

/// The kind of caller, as far as policy evaluation cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An IAM user (`arn:aws:iam::1:user/alice`).
    User,
    /// An IAM role named directly (`arn:aws:iam::1:role/r`); callers act through sessions.
    Role,
    /// A role session (`arn:aws:sts::1:assumed-role/r/session`).
    AssumedRole,
    /// An account's root user (`arn:aws:iam::1:root`).
    Root,
    /// An AWS service principal (`ec2.amazonaws.com`).
    Service,
    /// An unauthenticated caller.
    Anonymous,
}

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The caller's ARN; the service name for services, `*` for anonymous callers.
    pub arn: String,
    /// The caller's account; `None` for services and anonymous callers.
    pub account_id: Option<String>,
    /// What kind of caller it is.
    pub kind: PrincipalKind,
}

impl Principal {
    /// The principal an ARN names: an IAM user, role, role session (`sts` `assumed-role`),
    /// root user or STS federated user (treated as a user). `*` and `anonymous` are the
    /// anonymous caller, a 12-digit account id is that account's root user, and any other
    /// text (`ec2.amazonaws.com`) is a service principal.
    pub fn from_arn(arn: &str) -> Self {
        if arn == "*" || arn.eq_ignore_ascii_case("anonymous") {
            return Self::anonymous();
        }
        if is_account_id(arn) {
            return Self {
                arn: format!("arn:aws:iam::{arn}:root"),
                account_id: Some(arn.to_owned()),
                kind: PrincipalKind::Root,
            };
        }
        let Some(parts) = ArnParts::parse(arn) else {
            return Self {
                arn: arn.to_owned(),
                account_id: None,
                kind: PrincipalKind::Service,
            };
        };
        let kind = match (parts.service, parts.resource) {
            ("iam", "root") => PrincipalKind::Root,
            ("iam", r) if r.starts_with("role/") => PrincipalKind::Role,
            ("sts", r) if r.starts_with("assumed-role/") => PrincipalKind::AssumedRole,
            _ => PrincipalKind::User,
        };
        Self {
            arn: arn.to_owned(),
            account_id: Some(parts.account.to_owned()),
            kind,
        }
    }

    /// The unauthenticated caller.
    pub fn anonymous() -> Self {
        Self {
            arn: "*".to_owned(),
            account_id: None,
            kind: PrincipalKind::Anonymous,
        }
    }

    /// For a role session, the ARN of its role (`arn:aws:iam::1:role/r`, without the role's
    /// path, which a session ARN does not carry); for a role, its own ARN.
    pub fn role_arn(&self) -> Option<String> {
        let parts = ArnParts::parse(&self.arn)?;
        match self.kind {
            PrincipalKind::Role => Some(self.arn.clone()),
            PrincipalKind::AssumedRole => {
                let name = parts
                    .resource
                    .strip_prefix("assumed-role/")?
                    .split('/')
                    .next()?;
                Some(format!(
                    "arn:{}:iam::{}:role/{name}",
                    parts.partition, parts.account
                ))
            }
            _ => None,
        }
    }

    /// The ARN of the caller's account root (`arn:aws:iam::1:root`), when it has an account.
    pub fn account_arn(&self) -> Option<String> {
        let account = self.account_id.as_deref()?;
        let partition = ArnParts::parse(&self.arn).map_or("aws", |p| p.partition);
        Some(format!("arn:{partition}:iam::{account}:root"))
    }
}

/// One request to authorise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Who calls.
    pub principal: Principal,
    /// The action, `service:Operation` (`s3:GetObject`).
    pub action: String,
    /// The resource ARN (or `*` for actions without a resource).
    pub resource: String,
    /// The account owning the resource, when known. A different account than the
    /// principal's makes the request cross-account. `None` means the principal's own account.
    pub resource_account: Option<String>,
    /// The condition keys of the request.
    pub context: Context,
}

impl Request {
    /// A request in the principal's own account with an empty context.
    pub fn new(principal: Principal, action: &str, resource: &str) -> Self {
        Self {
            principal,
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_account: None,
            context: Context::new(),
        }
    }

    /// Whether the resource lives in another account than the principal's.
    pub fn is_cross_account(&self) -> bool {
        match (&self.resource_account, &self.principal.account_id) {
            (Some(resource), Some(principal)) => resource != principal,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The context with the keys IAM always sets from the principal filled in when the
    /// caller left them out: `aws:PrincipalArn` (the role's ARN for a session),
    /// `aws:PrincipalAccount`, `aws:PrincipalType` and, for IAM users, `aws:username`.
    pub fn effective_context(&self) -> Context {
        let mut ctx = self.context.clone();
        let p = &self.principal;
        let mut fill = |key: &str, value: Option<String>| {
            if let Some(value) = value
                && !ctx.contains(key)
            {
                ctx.insert(key, [value]);
            }
        };
        let principal_arn = match p.kind {
            PrincipalKind::AssumedRole => p.role_arn(),
            PrincipalKind::Service | PrincipalKind::Anonymous => None,
            _ => Some(p.arn.clone()),
        };
        fill("aws:PrincipalArn", principal_arn);
        fill("aws:PrincipalAccount", p.account_id.clone());
        let principal_type = match p.kind {
            PrincipalKind::User => Some("User"),
            PrincipalKind::Role | PrincipalKind::AssumedRole => Some("AssumedRole"),
            PrincipalKind::Root => Some("Account"),
            PrincipalKind::Anonymous => Some("Anonymous"),
            PrincipalKind::Service => None,
        };
        fill("aws:PrincipalType", principal_type.map(str::to_owned));
        if p.kind == PrincipalKind::User {
            let name = ArnParts::parse(&p.arn)
                .and_then(|parts| parts.resource.rsplit('/').next().map(str::to_owned));
            fill("aws:username", name);
        }
        ctx
    }
}

/// Whether `s` is a 12-digit account id.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The six parts of an ARN, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> ArnParts<'a> {
    /// Splits `arn:partition:service:region:account:resource`; `None` for anything else.
    pub(crate) fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        Some(Self {
            partition,
            service,
            account,
            resource,
        })
    }
}
