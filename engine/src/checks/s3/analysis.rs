//! What a bucket's policy, ACL and Block Public Access settings allow: small pure functions
//! the S3 checks share. They read policy statements as S3 stores them and are deliberately
//! conservative; the policy analysis will replace the statement reading with a full
//! evaluator, and the shape of the answers will stay.

use crate::checks::policy;
use crate::inventory::{FetchError, Fetched, Grant, PublicAccessBlock};
use serde_json::Value;

/// Actions that read a bucket's objects or list its contents.
pub(super) const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];

/// Actions that add, replace or delete objects, or change who may.
pub(super) const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
];

/// Actions that let a principal take a bucket over (FSBP S3.6).
pub(super) const TAKEOVER_ACTIONS: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

/// Whether the statement's `Action` (or, inverted, `NotAction`) covers `action`.
pub(crate) fn grants_action(statement: &Value, action: &str) -> bool {
    if let Some(actions) = statement.get("Action") {
        policy::values(Some(actions)).any(|a| policy::action_matches(a, action))
    } else if let Some(except) = statement.get("NotAction") {
        // A malformed `NotAction` (a number, an object) excludes nothing we can read.
        !policy::values(Some(except)).any(|a| policy::action_matches(a, action))
    } else {
        false
    }
}

/// An Allow statement open to everyone, without a restricting condition, granting one of
/// `actions`.
pub(crate) fn statement_is_public(statement: &Value, actions: &[&str]) -> bool {
    policy::is_allow(statement)
        && policy::principal_is_open(statement)
        && !policy::restricting_condition(statement)
        && actions.iter().any(|a| grants_action(statement, a))
}

/// The public statements of a policy for `actions`.
pub(crate) fn public_statements<'a>(doc: &'a Value, actions: &[&str]) -> Vec<&'a Value> {
    policy::statements(doc)
        .filter(|st| statement_is_public(st, actions))
        .collect()
}

/// ACL grants to `AllUsers` or `AuthenticatedUsers` with one of `permissions`.
pub(crate) fn acl_public_grants<'a>(grants: &'a [Grant], permissions: &[&str]) -> Vec<&'a Grant> {
    grants
        .iter()
        .filter(|g| g.is_public() && permissions.contains(&g.permission.as_str()))
        .collect()
}

/// The Block Public Access settings known to be in force for a bucket: each flag on when
/// the bucket or the account sets it. Settings that could not be read add nothing.
pub(crate) fn effective_pab(
    bucket: &Fetched<Option<PublicAccessBlock>>,
    account: &Fetched<Option<PublicAccessBlock>>,
) -> PublicAccessBlock {
    let b = known(bucket);
    let a = known(account);
    PublicAccessBlock {
        block_public_acls: b.block_public_acls || a.block_public_acls,
        ignore_public_acls: b.ignore_public_acls || a.ignore_public_acls,
        block_public_policy: b.block_public_policy || a.block_public_policy,
        restrict_public_buckets: b.restrict_public_buckets || a.restrict_public_buckets,
    }
}

fn known(pab: &Fetched<Option<PublicAccessBlock>>) -> PublicAccessBlock {
    pab.as_ref().ok().copied().flatten().unwrap_or_default()
}

/// Whether one Block Public Access flag protects a bucket, and by which setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocked<'a> {
    /// On, in the bucket's own settings or the account's (`"bucket"` / `"account"`).
    By(&'static str),
    /// Off in both, both read.
    No,
    /// Off where it could be read; the other settings could not be read.
    Unknown(&'a FetchError),
}

/// Whether `flag` of Block Public Access protects the bucket.
pub(crate) fn blocked<'a>(
    bucket: &'a Fetched<Option<PublicAccessBlock>>,
    account: &'a Fetched<Option<PublicAccessBlock>>,
    flag: fn(&PublicAccessBlock) -> bool,
) -> Blocked<'a> {
    let on = |p: &Fetched<Option<PublicAccessBlock>>| {
        p.as_ref().ok().copied().flatten().is_some_and(|p| flag(&p))
    };
    if on(bucket) {
        Blocked::By("bucket")
    } else if on(account) {
        Blocked::By("account")
    } else {
        match (bucket, account) {
            (Err(e), _) | (_, Err(e)) => Blocked::Unknown(e),
            _ => Blocked::No,
        }
    }
}

/// The first Deny statement that refuses plain-HTTP requests to the bucket `bucket_arn`:
/// everyone, `s3:*` or `*`, on the bucket, its objects or `*`, when `aws:SecureTransport`
/// is false. CIS also accepts a deny of `s3:TlsVersion` below 1.2.
pub(crate) fn tls_deny_statement<'a>(doc: &'a Value, bucket_arn: &str) -> Option<&'a Value> {
    let objects = format!("{bucket_arn}/*");
    policy::statements(doc).find(|st| {
        policy::is_deny(st)
            && policy::principal_is_everyone(st)
            && policy::values(st.get("Action")).any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*"))
            && policy::values(st.get("Resource")).any(|r| {
                r == "*"
                    || policy::wildcard_match(r, bucket_arn)
                    || policy::wildcard_match(r, &objects)
            })
            && (insecure_transport(st) || old_tls(st))
    })
}

fn insecure_transport(st: &Value) -> bool {
    ["Bool", "BoolIfExists"].iter().any(|op| {
        policy::condition_values(st, op, "aws:SecureTransport")
            .iter()
            .any(|v| {
                matches!(v, Value::Bool(false))
                    || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
            })
    })
}

fn old_tls(st: &Value) -> bool {
    ["NumericLessThan", "NumericLessThanIfExists"]
        .iter()
        .any(|op| {
            policy::condition_values(st, op, "s3:TlsVersion")
                .iter()
                .any(|v| {
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                        .is_some_and(|n| n >= 1.2)
                })
        })
}

/// The account a policy principal belongs to: a twelve-digit id, or the account field of
/// an ARN (`arn:aws:iam::111122223333:role/x`). `*` and anything else give `None`.
pub(crate) fn principal_account(principal: &str) -> Option<&str> {
    let account = if principal.starts_with("arn:") {
        principal.split(':').nth(4)?
    } else {
        principal
    };
    (account.len() == 12 && account.bytes().all(|c| c.is_ascii_digit())).then_some(account)
}

/// Allow statements that give a principal of an account other than `own` one of `actions`.
pub(crate) fn foreign_grants<'a>(doc: &'a Value, own: &str, actions: &[&str]) -> Vec<&'a Value> {
    policy::statements(doc)
        .filter(|st| policy::is_allow(st))
        .filter(|st| {
            policy::aws_principals(st)
                .filter_map(principal_account)
                .any(|a| a != own)
        })
        .filter(|st| actions.iter().any(|a| grants_action(st, a)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::access_denied;
    use serde_json::json;

    fn allow(principal: Value, action: Value) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "arn:aws:s3:::b/*"})
    }

    const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    #[test]
    fn every_form_of_the_everyone_principal_is_public() {
        for principal in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["*"]})] {
            let st = allow(principal, json!("s3:GetObject"));
            assert!(statement_is_public(&st, READ_ACTIONS), "{st}");
        }
        let not_principal = json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"});
        assert!(statement_is_public(&not_principal, READ_ACTIONS));
    }

    #[test]
    fn named_principals_and_deny_statements_are_not_public() {
        let account = allow(
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            json!("s3:*"),
        );
        let service = allow(
            json!({"Service": "logging.s3.amazonaws.com"}),
            json!("s3:PutObject"),
        );
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*"});
        for st in [account, service, deny] {
            assert!(!statement_is_public(&st, WRITE_ACTIONS), "{st}");
        }
    }

    #[test]
    fn vpc_endpoint_condition_restricts_but_user_agent_does_not() {
        let mut vpce = allow(json!("*"), json!("s3:GetObject"));
        vpce["Condition"] = json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}});
        let mut ua = allow(json!("*"), json!("s3:GetObject"));
        ua["Condition"] = json!({"StringLike": {"aws:UserAgent": "*"}});
        assert!(policy::restricting_condition(&vpce));
        assert!(!policy::restricting_condition(&ua));
        assert!(!statement_is_public(&vpce, READ_ACTIONS));
        assert!(statement_is_public(&ua, READ_ACTIONS));
    }

    #[test]
    fn negated_if_exists_and_wildcard_conditions_do_not_restrict() {
        for cond in [
            json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}),
            json!({"StringLike": {"aws:PrincipalOrgID": "*"}}),
            json!({"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}}),
            json!({"Null": {"aws:SourceVpce": "false"}}),
            json!("nonsense"),
        ] {
            assert!(
                !policy::restricting_condition(&json!({"Condition": cond})),
                "{cond}"
            );
        }
        for cond in [
            json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}),
            json!({"StringEquals": {"AWS:PrincipalOrgID": "o-abc"}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}}),
        ] {
            assert!(
                policy::restricting_condition(&json!({"Condition": cond})),
                "{cond}"
            );
        }
    }

    #[test]
    fn action_wildcards_and_not_action_count_and_unrelated_actions_do_not() {
        assert!(statement_is_public(
            &allow(json!("*"), json!(["s3:*"])),
            WRITE_ACTIONS
        ));
        assert!(statement_is_public(
            &allow(json!("*"), json!("*")),
            READ_ACTIONS
        ));
        assert!(statement_is_public(
            &allow(json!("*"), json!("s3:Get*")),
            READ_ACTIONS
        ));
        assert!(!statement_is_public(
            &allow(json!("*"), json!("s3:GetObjectTagging")),
            READ_ACTIONS
        ));
        let not_action = json!({"Effect": "Allow", "Principal": "*", "NotAction": "s3:Delete*"});
        assert!(statement_is_public(&not_action, READ_ACTIONS));
        assert!(grants_action(&not_action, "s3:PutObject"));
        assert!(!grants_action(&not_action, "s3:DeleteObject"));
    }

    #[test]
    fn malformed_policy_shapes_are_not_public_and_do_not_panic() {
        for doc in [
            json!({"Statement": "x"}),
            json!({"Statement": [{"Action": 5, "Principal": "*", "Effect": "Allow"}]}),
            json!({"Statement": [{"Action": "s3:*", "Principal": 7, "Effect": "Allow"}]}),
            json!({"Statement": [7, null, "s"]}),
            json!(null),
        ] {
            assert!(public_statements(&doc, READ_ACTIONS).is_empty(), "{doc}");
            assert!(
                tls_deny_statement(&doc, "arn:aws:s3:::b").is_none(),
                "{doc}"
            );
            assert!(
                foreign_grants(&doc, "123456789012", TAKEOVER_ACTIONS).is_empty(),
                "{doc}"
            );
        }
    }

    #[test]
    fn public_acl_grants_are_those_to_all_or_authenticated_users_with_the_permission() {
        let grant = |uri: &str, permission: &str| Grant {
            grantee_type: "Group".into(),
            grantee_id: None,
            grantee_uri: Some(format!("http://acs.amazonaws.com/groups/{uri}")),
            permission: permission.into(),
        };
        let grants = [
            grant("global/AllUsers", "READ"),
            grant("global/AuthenticatedUsers", "WRITE"),
            grant("s3/LogDelivery", "WRITE"),
        ];
        assert_eq!(
            acl_public_grants(&grants, &["READ", "FULL_CONTROL"]).len(),
            1
        );
        assert_eq!(acl_public_grants(&grants, &["WRITE", "WRITE_ACP"]).len(), 1);
        assert!(acl_public_grants(&grants, &["READ_ACP"]).is_empty());
    }

    #[test]
    fn account_settings_fill_in_for_the_bucket_and_unreadable_ones_are_unknown() {
        let all = Ok(Some(ALL_ON));
        let none = Ok(None);
        let denied = Err(access_denied());
        assert!(effective_pab(&none, &all).all_on());
        assert!(effective_pab(&denied, &all).all_on());
        assert!(!effective_pab(&none, &none).all_on());
        let restrict = |p: &PublicAccessBlock| p.restrict_public_buckets;
        assert_eq!(blocked(&all, &none, restrict), Blocked::By("bucket"));
        assert_eq!(blocked(&none, &all, restrict), Blocked::By("account"));
        assert_eq!(blocked(&denied, &all, restrict), Blocked::By("account"));
        assert_eq!(blocked(&none, &none, restrict), Blocked::No);
        assert!(matches!(
            blocked(&none, &denied, restrict),
            Blocked::Unknown(_)
        ));
    }

    #[test]
    fn tls_deny_accepts_resource_strings_lists_and_wildcards_for_this_bucket_only() {
        let arn = "arn:aws:s3:::b";
        let deny = |resource: Value| {
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resource,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
        };
        for r in [
            json!("arn:aws:s3:::b/*"),
            json!(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]),
            json!("*"),
            json!("arn:aws:s3:::*"),
        ] {
            assert!(tls_deny_statement(&deny(r.clone()), arn).is_some(), "{r}");
        }
        for r in [
            json!("arn:aws:s3:::other/*"),
            json!("arn:aws:s3:::b/private/*"),
            json!(5),
        ] {
            assert!(tls_deny_statement(&deny(r.clone()), arn).is_none(), "{r}");
        }
    }

    #[test]
    fn tls_deny_needs_everyone_all_actions_and_an_insecure_transport_condition() {
        let arn = "arn:aws:s3:::b";
        let st = |principal: Value, action: Value, cond: Value| json!({"Statement": {"Effect": "Deny", "Principal": principal, "Action": action, "Resource": "*", "Condition": cond}});
        let http = json!({"Bool": {"aws:SecureTransport": false}});
        let tls = json!({"NumericLessThan": {"s3:TlsVersion": 1.2}});
        assert!(
            tls_deny_statement(&st(json!({"AWS": "*"}), json!("*"), http.clone()), arn).is_some()
        );
        assert!(tls_deny_statement(&st(json!("*"), json!(["s3:*"]), tls), arn).is_some());
        assert!(
            tls_deny_statement(&st(json!("*"), json!("s3:GetObject"), http.clone()), arn).is_none()
        );
        assert!(
            tls_deny_statement(
                &st(json!({"AWS": "arn:aws:iam::1:root"}), json!("s3:*"), http),
                arn
            )
            .is_none()
        );
        let secure_only = json!({"Bool": {"aws:SecureTransport": "true"}});
        assert!(tls_deny_statement(&st(json!("*"), json!("s3:*"), secure_only), arn).is_none());
    }

    #[test]
    fn other_accounts_are_told_apart_from_this_one() {
        assert_eq!(
            principal_account("arn:aws:iam::999988887777:root"),
            Some("999988887777")
        );
        assert_eq!(principal_account("999988887777"), Some("999988887777"));
        assert_eq!(principal_account("*"), None);
        assert_eq!(principal_account("arn:aws:iam::short:root"), None);
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/a", "999988887777"]}, "Action": "s3:PutBucketPolicy"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "s3:GetObject"}
        ]});
        assert_eq!(
            foreign_grants(&doc, "123456789012", TAKEOVER_ACTIONS).len(),
            1
        );
    }
}
