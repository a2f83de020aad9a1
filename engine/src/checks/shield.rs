//! Shield Advanced: checks. Shield Advanced is a paid subscription, so an account without it
//! gets one informational note (weight 0 in the score), never a failure per resource; the
//! checks of a subscription's settings say nothing about an account that has none.

use super::{Check, Outcome, account_arn, not_collected};
use crate::inventory::{Inventory, ShieldSubscription};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[
    check!(
        Shield,
        "shield_advanced_subscribed",
        "The account subscribes to AWS Shield Advanced (informational)",
        Informational,
        "Shield Standard protects every account against common network and transport layer DDoS attacks at no cost. Shield Advanced adds, for a yearly commitment: the Shield Response Team (SRT) during attacks, cost protection against scaling charges caused by an attack, application-layer (WAF) mitigation, and tailored detection for CloudFront distributions, Route 53 hosted zones, Global Accelerator accelerators, Application and Classic Load Balancers and Elastic IPs. Whether it is worth it depends on how critical and exposed those resources are; this finding does not count against the score.",
        "WAF & Shield → Shield → Overview → Subscribe to Shield Advanced → then add protections for the resources that matter.",
        "aws shield create-subscription && aws shield create-protection --name <name> --resource-arn <resource-arn>",
        subscribed
    ),
    check!(
        Shield,
        "shield_advanced_resources_protected",
        "Shield Advanced protects at least one resource",
        Medium,
        "A Shield Advanced subscription protects only the resources added to it as protections; with none, the account pays for Shield Advanced and gets no detection, SRT support or cost protection for any resource.",
        "WAF & Shield → Shield → Protected resources → Add resources to protect → choose the CloudFront distributions, Route 53 zones, Global Accelerators, load balancers and Elastic IPs → Protect.",
        "aws shield create-protection --name <name> --resource-arn <resource-arn>",
        resources_protected
    ),
    check!(
        Shield,
        "shield_advanced_proactive_engagement",
        "Shield Advanced proactive engagement is on, with emergency contacts",
        Medium,
        "With proactive engagement, the Shield Response Team contacts the account's emergency contacts as soon as a protected resource's Route 53 health check turns unhealthy during a detected event, instead of waiting for a support case to be opened in the middle of an attack.",
        "WAF & Shield → Shield → Overview → Configure AWS SRT support → Edit proactive engagement and contacts → add emergency contacts (email, phone) → enable proactive engagement.",
        "aws shield associate-proactive-engagement-details --emergency-contact-list EmailAddress=<email>,PhoneNumber=<+E.164> && aws shield enable-proactive-engagement",
        proactive_engagement
    ),
    check!(
        Shield,
        "shield_advanced_srt_access",
        "The Shield Response Team may act in the account during an attack",
        Low,
        "Without an SRT access role, the Shield Response Team cannot inspect the account's WAF configuration and logs or deploy mitigating rules on its behalf during an attack; every change waits for the account's own engineers.",
        "WAF & Shield → Shield → Overview → Configure AWS SRT support → Edit SRT access → create or choose a role with the AWSShieldDRTAccessPolicy managed policy (and, optionally, the flow-log buckets) → Save.",
        "aws shield associate-drt-role --role-arn arn:aws:iam::<account>:role/<srt-role>   # role trusting drt.shield.amazonaws.com with AWSShieldDRTAccessPolicy",
        srt_access
    ),
    check!(
        Shield,
        "shield_advanced_auto_renew",
        "The Shield Advanced subscription renews automatically",
        Low,
        "When a Shield Advanced subscription ends without renewal, every protection, the SRT support and DDoS cost protection stop at once, typically unnoticed until the next attack.",
        "WAF & Shield → Shield → Overview → Subscription → Edit → Auto-renew: Enabled → Save.",
        "aws shield update-subscription --auto-renew ENABLED",
        auto_renew
    ),
];

const SUBSCRIPTION: &str = "AwsShieldSubscription";

/// The subscription, or the outcomes that replace a verdict: an `ERROR` when it could not be
/// read, nothing when the account does not subscribe.
fn with_subscription(
    inv: &Inventory,
    what: &str,
    judge: impl Fn(&ShieldSubscription, String) -> Outcome,
) -> Vec<Outcome> {
    let Some(shield) = &inv.shield else {
        return vec![not_collected(
            SUBSCRIPTION,
            account_arn(inv),
            "Shield Advanced",
        )];
    };
    match &shield.subscription {
        Err(e) => vec![Outcome::error(
            SUBSCRIPTION,
            account_arn(inv),
            &format!("the Shield Advanced subscription (needed for {what})"),
            e,
        )],
        Ok(None) => Vec::new(),
        Ok(Some(sub)) => {
            let arn = sub.arn.clone().unwrap_or_else(|| account_arn(inv));
            vec![judge(sub, arn)]
        }
    }
}

fn subscribed(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(shield) = &inv.shield else {
        return vec![not_collected(
            SUBSCRIPTION,
            account_arn(inv),
            "Shield Advanced",
        )];
    };
    let arn = account_arn(inv);
    vec![match &shield.subscription {
        Err(e) => Outcome::error(SUBSCRIPTION, arn, "the Shield Advanced subscription", e),
        Ok(None) => Outcome::fail(
            SUBSCRIPTION,
            arn,
            "the account does not subscribe to Shield Advanced (Shield Standard only). Shield Advanced would add the Shield Response Team, DDoS cost protection and tailored protection for CloudFront distributions, Route 53 hosted zones, Global Accelerator accelerators, Application and Classic Load Balancers and Elastic IPs",
        )
        .with_evidence(json!({"subscribed": false})),
        Ok(Some(sub)) => Outcome::pass(
            SUBSCRIPTION,
            arn,
            format!(
                "the account subscribes to Shield Advanced{}",
                sub.end_time
                    .map(|t| format!(" until {}", t.format("%Y-%m-%d")))
                    .unwrap_or_default()
            ),
        )
        .with_evidence(json!({"subscribed": true, "subscription_arn": sub.arn, "end_time": sub.end_time})),
    }]
}

fn resources_protected(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_subscription(inv, "its protections", |sub, arn| match &sub.protections {
        Err(e) => Outcome::error(SUBSCRIPTION, arn, "the Shield Advanced protections", e),
        Ok(p) => {
            let resources: Vec<&str> = p.iter().filter_map(|p| p.resource_arn.as_deref()).collect();
            Outcome::pass_if(
                !p.is_empty(),
                SUBSCRIPTION,
                arn,
                if p.is_empty() {
                    "the subscription protects no resource".to_owned()
                } else {
                    format!("the subscription protects {} resource(s)", p.len())
                },
            )
            .with_evidence(json!({"protected_resources": resources}))
        }
    })
}

fn proactive_engagement(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_subscription(inv, "proactive engagement", |sub, arn| {
        let status = sub.proactive_engagement.as_deref().unwrap_or("DISABLED");
        if status != "ENABLED" {
            return Outcome::fail(
                SUBSCRIPTION,
                arn,
                format!("proactive engagement is {status}"),
            )
            .with_evidence(json!({"proactive_engagement": status}));
        }
        match &sub.emergency_contacts {
            Err(e) => Outcome::error(SUBSCRIPTION, arn, "the emergency contacts", e),
            Ok(c) => {
                let emails: Vec<&str> = c.iter().map(|c| c.email.as_str()).collect();
                Outcome::pass_if(
                    !c.is_empty(),
                    SUBSCRIPTION,
                    arn,
                    if c.is_empty() {
                        "proactive engagement is on but there is no emergency contact to call"
                            .to_owned()
                    } else {
                        format!(
                            "proactive engagement is on with {} emergency contact(s)",
                            c.len()
                        )
                    },
                )
                .with_evidence(
                    json!({"proactive_engagement": status, "emergency_contacts": emails}),
                )
            }
        }
    })
}

fn srt_access(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_subscription(inv, "SRT access", |sub, arn| match &sub.drt_access {
        Err(e) => Outcome::error(SUBSCRIPTION, arn, "the Shield Response Team access", e),
        Ok(a) => Outcome::pass_if(
            a.role_arn.is_some(),
            SUBSCRIPTION,
            arn,
            match &a.role_arn {
                Some(role) => format!("the Shield Response Team may act through `{role}`"),
                None => "no role grants the Shield Response Team access".to_owned(),
            },
        )
        .with_evidence(json!({"role_arn": a.role_arn, "log_buckets": a.log_buckets})),
    })
}

fn auto_renew(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_subscription(inv, "auto-renewal", |sub, arn| {
        let renew = sub.auto_renew.as_deref().unwrap_or("unknown");
        Outcome::pass_if(
            renew == "ENABLED",
            SUBSCRIPTION,
            arn,
            format!("auto-renewal is {renew}"),
        )
        .with_evidence(json!({"auto_renew": renew, "end_time": sub.end_time}))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::inventory::{
        DrtAccess, EmergencyContact, Fetched, ShieldInventory, ShieldProtection,
    };
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};

    fn inventory(subscription: Fetched<Option<ShieldSubscription>>) -> Inventory {
        let mut b = InventoryBuilder::new();
        b.inventory().shield = Some(ShieldInventory { subscription });
        b.build()
    }

    fn well_configured() -> ShieldSubscription {
        ShieldSubscription {
            arn: Some(format!(
                "arn:aws:shield::{ACCOUNT}:subscription/abcd-1234-ef56"
            )),
            start_time: None,
            end_time: None,
            auto_renew: Some("ENABLED".to_owned()),
            proactive_engagement: Some("ENABLED".to_owned()),
            protections: Ok(vec![ShieldProtection {
                id: Some("p-1".to_owned()),
                name: Some("cdn".to_owned()),
                resource_arn: Some(format!(
                    "arn:aws:cloudfront::{ACCOUNT}:distribution/E1EXAMPLE"
                )),
            }]),
            drt_access: Ok(DrtAccess {
                role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/srt")),
                log_buckets: vec![],
            }),
            emergency_contacts: Ok(vec![EmergencyContact {
                email: "oncall@example.com".to_owned(),
                phone: Some("+15555550100".to_owned()),
                notes: None,
            }]),
        }
    }

    fn statuses(inv: &Inventory) -> Vec<(&'static str, Vec<Status>)> {
        CHECKS
            .iter()
            .map(|c| {
                (
                    c.meta.id,
                    (c.eval)(inv, now()).iter().map(|o| o.status).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn an_unsubscribed_account_gets_one_informational_note_and_nothing_else() {
        let inv = inventory(Ok(None));
        let all: Vec<Outcome> = CHECKS.iter().flat_map(|c| (c.eval)(&inv, now())).collect();
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].status, Status::Fail);
        assert_eq!(all[0].resource_arn, format!("arn:aws:::{ACCOUNT}"));
        for covered in [
            "Shield Response Team",
            "cost protection",
            "CloudFront",
            "Route 53",
            "Global Accelerator",
            "Load Balancers",
            "Elastic IPs",
        ] {
            assert!(
                all[0].message.contains(covered),
                "{covered}: {}",
                all[0].message
            );
        }
        let meta = CHECKS[0].meta;
        assert_eq!(meta.id, "shield_advanced_subscribed");
        assert_eq!(meta.severity, super::super::Severity::Informational);
    }

    #[test]
    fn a_well_configured_subscription_passes_every_check() {
        let inv = inventory(Ok(Some(well_configured())));
        for (id, s) in statuses(&inv) {
            assert_eq!(s, vec![Status::Pass], "{id}");
        }
    }

    #[test]
    fn a_subscription_without_protections_contacts_srt_role_or_renewal_fails_each_check() {
        let mut sub = well_configured();
        sub.protections = Ok(vec![]);
        sub.emergency_contacts = Ok(vec![]);
        sub.drt_access = Ok(DrtAccess::default());
        sub.auto_renew = Some("DISABLED".to_owned());
        let inv = inventory(Ok(Some(sub)));
        for (id, s) in statuses(&inv) {
            let expected = if id == "shield_advanced_subscribed" {
                Status::Pass
            } else {
                Status::Fail
            };
            assert_eq!(s, vec![expected], "{id}");
        }
        let mut disabled = well_configured();
        disabled.proactive_engagement = Some("PENDING".to_owned());
        let out = proactive_engagement(&inventory(Ok(Some(disabled))), now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(out[0].message.contains("PENDING"), "{}", out[0].message);
    }

    #[test]
    fn an_unreadable_subscription_is_an_error_in_every_check() {
        let inv = inventory(Err(access_denied()));
        for (id, s) in statuses(&inv) {
            assert_eq!(s, vec![Status::Error], "{id}");
        }
    }

    #[test]
    fn unreadable_subscription_details_are_errors() {
        let mut sub = well_configured();
        sub.protections = Err(access_denied());
        sub.emergency_contacts = Err(access_denied());
        sub.drt_access = Err(access_denied());
        let inv = inventory(Ok(Some(sub)));
        for (id, s) in statuses(&inv) {
            let expected = match id {
                "shield_advanced_subscribed" | "shield_advanced_auto_renew" => Status::Pass,
                _ => Status::Error,
            };
            assert_eq!(s, vec![expected], "{id}");
        }
    }

    #[test]
    fn shield_not_scanned_is_reported_not_passed() {
        let out = subscribed(&InventoryBuilder::new().build(), now());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Error);
    }
}
