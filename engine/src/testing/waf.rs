//! WAF and Shield inventories for the demo and tests: a regional web ACL running AWS's common
//! and SQL-injection rule groups with logging and metrics, and a Shield Advanced
//! subscription with everything in place.

use crate::inventory::*;
use chrono::{DateTime, Duration, Utc};

fn managed(name: &str, group: &str, priority: i32) -> WafRule {
    WafRule {
        name: name.to_owned(),
        priority,
        statement: "ManagedRuleGroup".to_owned(),
        statement_kinds: vec!["ManagedRuleGroup".to_owned()],
        managed_rule_groups: vec![ManagedRuleGroup {
            vendor: "AWS".to_owned(),
            name: group.to_owned(),
        }],
        action: None,
        override_action: Some("None".to_owned()),
        cloudwatch_metrics: true,
        firewall_manager: false,
    }
}

/// The web ACL `api-protection` that [`super::apigateway`]'s REST stages name.
pub fn api_web_acl(account: &str, region: &str) -> WebAcl {
    WebAcl {
        arn: format!("arn:aws:wafv2:{region}:{account}:regional/webacl/api-protection/0f1e2d3c"),
        name: "api-protection".to_owned(),
        id: "0f1e2d3c".to_owned(),
        scope: WafScope::Regional,
        detail: Ok(WebAclDetail {
            default_action: "Allow".to_owned(),
            rules: vec![
                managed("common", "AWSManagedRulesCommonRuleSet", 0),
                managed("sqli", "AWSManagedRulesSQLiRuleSet", 1),
                managed("bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet", 2),
            ],
            cloudwatch_metrics: true,
        }),
        logging: Ok(Some(WafLogging {
            destinations: vec![format!(
                "arn:aws:logs:{region}:{account}:log-group:aws-waf-logs-api"
            )],
        })),
        associated_resources: None,
    }
}

/// A Shield Advanced subscription that passes every Shield check, started a year before `at`.
pub fn subscription(account: &str, at: DateTime<Utc>) -> ShieldSubscription {
    ShieldSubscription {
        arn: Some(format!("arn:aws:shield::{account}:subscription/1a2b3c4d")),
        start_time: Some(at - Duration::days(365)),
        end_time: Some(at + Duration::days(365)),
        auto_renew: Some("ENABLED".to_owned()),
        proactive_engagement: Some("ENABLED".to_owned()),
        protections: Ok(vec![ShieldProtection {
            id: Some("p-1".to_owned()),
            name: Some("public-alb".to_owned()),
            resource_arn: Some(format!(
                "arn:aws:elasticloadbalancing:us-east-1:{account}:loadbalancer/app/public/50dc6c495c0c9188"
            )),
        }]),
        drt_access: Ok(DrtAccess {
            role_arn: Some(format!("arn:aws:iam::{account}:role/AWSSRTAccess")),
            log_buckets: vec![],
        }),
        emergency_contacts: Ok(vec![EmergencyContact {
            email: "secops@example.com".to_owned(),
            phone: Some("+15555550100".to_owned()),
            notes: None,
        }]),
    }
}
