//! SNS checks: topic access policies judged by the policy analyser.

use super::{Check, CheckMeta, Outcome, Remediation, Severity, not_collected, resource_policy};
use crate::inventory::{Inventory, Service};
use chrono::{DateTime, Utc};

pub(super) const CHECKS: &[Check] = &[Check {
    meta: CheckMeta {
        id: "sns_topic_policy_not_public",
        title: "SNS topic policies do not allow anyone to publish or subscribe",
        service: Service::Sns,
        severity: Severity::High,
        rationale: "A topic policy granting `*` without a restricting condition (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID ...) lets any AWS account publish messages to the topic's subscribers, or subscribe and read every message sent to it.",
        remediation: Remediation {
            console: "SNS → Topics → the topic → Edit → Access policy: replace `\"AWS\": \"*\"` with the accounts or services that need it, or add an aws:SourceAccount / aws:PrincipalOrgID condition.",
            cli: "aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value file://policy.json",
        },
    },
    eval: topic_not_public,
}];

const TOPIC: &str = "AwsSnsTopic";

fn topic_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(regions) = &inv.sns else {
        return vec![not_collected(
            TOPIC,
            format!("arn:{}:sns:::{}", inv.partition, inv.account_id),
            "SNS",
        )];
    };
    let mut out = Vec::new();
    for (region, topics) in regions {
        let topics = match topics {
            Ok(r) => &r.topics,
            Err(e) => {
                out.push(
                    Outcome::error(
                        TOPIC,
                        format!("arn:{}:sns:{region}:{}", inv.partition, inv.account_id),
                        "SNS topics",
                        e,
                    )
                    .in_region(region),
                );
                continue;
            }
        };
        for t in topics {
            let o = resource_policy::judge(
                TOPIC,
                &t.arn,
                "the topic policy",
                &t.policy,
                "the topic has no access policy (owner only)",
                |policy, doc| {
                    resource_policy::not_public(
                        TOPIC,
                        &t.arn,
                        policy,
                        doc,
                        inv.account_id.as_str(),
                        "the topic policy",
                        "the topic",
                    )
                },
            );
            out.push(o.in_region(region));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::inventory::{SnsRegion, Topic};
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};
    use serde_json::json;

    fn with_topics(topics: Vec<Topic>) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().sns = Some([(home, Ok(SnsRegion { topics }))].into_iter().collect());
        b.build()
    }

    fn topic(name: &str, policy: Option<serde_json::Value>) -> Topic {
        Topic {
            arn: format!("arn:aws:sns:us-east-1:{ACCOUNT}:{name}"),
            policy: Ok(policy),
        }
    }

    fn statement(
        principal: serde_json::Value,
        condition: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": "*"});
        if let Some(c) = condition {
            s["Condition"] = c;
        }
        json!({"Version": "2012-10-17", "Statement": [s]})
    }

    #[test]
    fn a_topic_open_to_everyone_fails_and_one_restricted_to_the_account_passes() {
        let inv = with_topics(vec![
            topic("open", Some(statement(json!({"AWS": "*"}), None))),
            topic(
                "mine",
                Some(statement(
                    json!({"AWS": "*"}),
                    Some(json!({"StringEquals": {"AWS:SourceOwner": ACCOUNT}})),
                )),
            ),
            topic("no-policy", None),
        ]);
        let out = topic_not_public(&inv, now());
        let status = |name: &str| {
            out.iter()
                .find(|o| o.resource_arn.ends_with(name))
                .map(|o| o.status)
        };
        assert_eq!(status(":open"), Some(Status::Fail));
        assert_eq!(status(":mine"), Some(Status::Pass));
        assert_eq!(status(":no-policy"), Some(Status::Pass));
    }

    #[test]
    fn a_user_agent_condition_does_not_make_a_topic_private() {
        let inv = with_topics(vec![topic(
            "ua",
            Some(statement(
                json!("*"),
                Some(json!({"StringLike": {"aws:UserAgent": "aws-cli*"}})),
            )),
        )]);
        assert_eq!(topic_not_public(&inv, now())[0].status, Status::Fail);
    }

    #[test]
    fn unreadable_and_malformed_policies_are_errors() {
        let inv = with_topics(vec![
            Topic {
                arn: format!("arn:aws:sns:us-east-1:{ACCOUNT}:denied"),
                policy: Err(access_denied()),
            },
            topic(
                "bad",
                Some(
                    json!({"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "sns:Publish"}]}),
                ),
            ),
        ]);
        let out = topic_not_public(&inv, now());
        assert!(out.iter().all(|o| o.status == Status::Error), "{out:#?}");
        assert!(
            out[1].message.contains("$.Statement[0].Effect"),
            "{}",
            out[1].message
        );
    }

    #[test]
    fn sns_not_scanned_is_reported_not_passed() {
        let out = topic_not_public(&InventoryBuilder::new().build(), now());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
    }
}
