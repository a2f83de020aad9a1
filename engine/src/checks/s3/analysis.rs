//! Is a bucket open to the world or to other accounts? Small pure functions over the bucket
//! policy, ACL grants and Block Public Access settings. (The policy analysis will replace the
//! statement reading with a full evaluator; the shape of the answers stays.)

use crate::checks::policy;
use crate::inventory::{Bucket, Grant, PublicAccessBlock};
use serde_json::Value;

/// Condition keys that tie an open principal to known callers or networks.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:userid",
    "aws:username",
];

pub(crate) const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetObjectVersion",
    "s3:ListBucketVersions",
];
pub(crate) const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:PutObjectAcl",
    "s3:DeleteObjectVersion",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
];

/// A condition restricts the caller when it tests one of the restricting keys.
pub(crate) fn restricting_condition(statement: &Value) -> bool {
    policy::has_condition_key(statement, RESTRICTING_KEYS)
}

/// An Allow statement open to everyone, without a restricting condition, granting one of `actions`.
pub(crate) fn statement_is_public(statement: &Value, actions: &[&str]) -> bool {
    policy::is_allow(statement)
        && policy::principal_is_everyone(statement)
        && !restricting_condition(statement)
        && policy::values(statement.get("Action")).any(|a| {
            actions
                .iter()
                .any(|wanted| policy::action_matches(a, wanted))
        })
}

/// Public statements of a policy for `actions`.
pub(crate) fn public_statements<'a>(doc: &'a Value, actions: &[&str]) -> Vec<&'a Value> {
    policy::statements(doc)
        .filter(|st| statement_is_public(st, actions))
        .collect()
}

/// ACL grants to AllUsers / AuthenticatedUsers with one of `permissions`.
pub(crate) fn acl_public_grants<'a>(grants: &'a [Grant], permissions: &[&str]) -> Vec<&'a Grant> {
    grants
        .iter()
        .filter(|g| g.is_public() && permissions.contains(&g.permission.as_str()))
        .collect()
}

/// The Block Public Access settings in force for a bucket: each flag on if either the
/// bucket or the account sets it. Unknown (unreadable) settings count as off.
pub(crate) fn effective_pab(
    bucket: &Bucket,
    account: Option<&PublicAccessBlock>,
) -> PublicAccessBlock {
    let b = bucket
        .public_access_block
        .as_ref()
        .ok()
        .copied()
        .flatten()
        .unwrap_or_default();
    let a = account.copied().unwrap_or_default();
    PublicAccessBlock {
        block_public_acls: b.block_public_acls || a.block_public_acls,
        ignore_public_acls: b.ignore_public_acls || a.ignore_public_acls,
        block_public_policy: b.block_public_policy || a.block_public_policy,
        restrict_public_buckets: b.restrict_public_buckets || a.restrict_public_buckets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn principal_forms_are_all_public() {
        for principal in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["*"]})] {
            let st = json!({"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"});
            assert!(statement_is_public(&st, READ_ACTIONS), "{st}");
        }
    }

    #[test]
    fn vpc_endpoint_condition_restricts_but_user_agent_does_not() {
        let vpce = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}});
        let ua = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Condition": {"StringLike": {"aws:UserAgent": "*"}}});
        assert!(!statement_is_public(&vpce, READ_ACTIONS));
        assert!(statement_is_public(&ua, READ_ACTIONS));
    }

    #[test]
    fn action_wildcards_count_and_other_actions_do_not() {
        let all = json!({"Effect": "Allow", "Principal": "*", "Action": ["s3:*"]});
        let tagging = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObjectTagging"});
        assert!(statement_is_public(&all, WRITE_ACTIONS));
        assert!(!statement_is_public(&tagging, READ_ACTIONS));
    }

    #[test]
    fn malformed_shapes_are_not_public_and_do_not_panic() {
        for doc in [
            json!({"Statement": "x"}),
            json!({"Statement": [{"Action": 5, "Principal": "*", "Effect": "Allow"}]}),
            json!(null),
        ] {
            assert!(public_statements(&doc, READ_ACTIONS).is_empty());
        }
    }

    #[test]
    fn account_settings_fill_in_for_the_bucket() {
        let mut bucket = crate::testing::InventoryBuilder::new().bucket("x").clone();
        bucket.public_access_block = Ok(None);
        let acct = PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        };
        assert!(effective_pab(&bucket, Some(&acct)).all_on());
        assert!(!effective_pab(&bucket, None).all_on());
    }
}
