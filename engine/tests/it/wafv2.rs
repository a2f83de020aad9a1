//! AWS WAF (v2) web ACLs collected through the real SDK path against moto. moto does not
//! serve `ListResourcesForWebACL`: the protected resources are then an error in the
//! evidence, and the verdicts on the web ACLs themselves still stand.

use super::*;
use aws_sdk_wafv2::types::{
    AllowAction, BlockAction, DefaultAction, FieldToMatch, LoggingConfiguration,
    ManagedRuleGroupStatement, NoneAction, OverrideAction, Rule, RuleAction, Scope,
    SqliMatchStatement, Statement, TextTransformation, TextTransformationType, UriPath,
    VisibilityConfig,
};

fn visibility(name: &str, metrics: bool) -> VisibilityConfig {
    VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(metrics)
        .metric_name(name)
        .build()
        .unwrap()
}

fn aws_managed(name: &str, group: &str, priority: i32) -> Rule {
    Rule::builder()
        .name(name)
        .priority(priority)
        .statement(
            Statement::builder()
                .managed_rule_group_statement(
                    ManagedRuleGroupStatement::builder()
                        .vendor_name("AWS")
                        .name(group)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .override_action(
            OverrideAction::builder()
                .none(NoneAction::builder().build())
                .build(),
        )
        .visibility_config(visibility(name, true))
        .build()
        .unwrap()
}

fn sqli_block_without_metrics(name: &str, priority: i32) -> Rule {
    Rule::builder()
        .name(name)
        .priority(priority)
        .statement(
            Statement::builder()
                .sqli_match_statement(
                    SqliMatchStatement::builder()
                        .field_to_match(
                            FieldToMatch::builder()
                                .uri_path(UriPath::builder().build())
                                .build(),
                        )
                        .text_transformations(
                            TextTransformation::builder()
                                .priority(0)
                                .r#type(TextTransformationType::UrlDecode)
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .action(
            RuleAction::builder()
                .block(BlockAction::builder().build())
                .build(),
        )
        .visibility_config(visibility(name, false))
        .build()
        .unwrap()
}

async fn create(waf: &aws_sdk_wafv2::Client, scope: Scope, name: &str, rules: Vec<Rule>) -> String {
    waf.create_web_acl()
        .name(name)
        .scope(scope)
        .default_action(
            DefaultAction::builder()
                .allow(AllowAction::builder().build())
                .build(),
        )
        .visibility_config(visibility(name, true))
        .set_rules(Some(rules))
        .send()
        .await
        .unwrap()
        .summary
        .unwrap()
        .arn
        .unwrap()
}

#[tokio::test]
async fn web_acls_are_judged_on_rules_common_attacks_logging_and_metrics() {
    let acct = account().await;
    let waf = acct.wafv2("us-east-1");
    let empty = create(&waf, Scope::Regional, "empty", vec![]).await;
    let guarded = create(
        &waf,
        Scope::Regional,
        "guarded",
        vec![
            aws_managed("crs", "AWSManagedRulesCommonRuleSet", 0),
            aws_managed("sqli", "AWSManagedRulesSQLiRuleSet", 1),
        ],
    )
    .await;
    let partial = create(
        &waf,
        Scope::Regional,
        "partial",
        vec![sqli_block_without_metrics("sqli-uri", 0)],
    )
    .await;
    waf.put_logging_configuration()
        .logging_configuration(
            LoggingConfiguration::builder()
                .resource_arn(&guarded)
                .log_destination_configs(format!(
                    "arn:aws:firehose:us-east-1:{}:deliverystream/aws-waf-logs-guarded",
                    acct.account_id
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let inv = scan(&acct, &[Service::Wafv2], &["us-east-1"]).await;

    assert_eq!(status(&inv, "waf_web_acl_has_rules", &empty), Status::Fail);
    assert_eq!(
        status(&inv, "waf_web_acl_has_rules", &guarded),
        Status::Pass
    );
    let common = "waf_web_acl_blocks_common_attacks";
    assert_eq!(status(&inv, common, &guarded), Status::Pass);
    // A blocking SqliMatch rule and no cross-site scripting rule.
    assert_eq!(status(&inv, common, &partial), Status::Fail);
    let logging = "waf_web_acl_logging_enabled";
    assert_eq!(status(&inv, logging, &guarded), Status::Pass);
    assert_eq!(status(&inv, logging, &empty), Status::Fail);
    let metrics = "waf_rules_have_cloudwatch_metrics";
    assert_eq!(status(&inv, metrics, &guarded), Status::Pass);
    assert_eq!(status(&inv, metrics, &partial), Status::Fail);

    // moto lacks ListResourcesForWebACL: recorded as a collection error, kept as evidence.
    assert!(inv.errors.iter().any(|e| e.api == "ListResourcesForWebACL"));
    let f = findings(&inv, "waf_web_acl_has_rules");
    let g = f.iter().find(|f| f.resource_arn == guarded).unwrap();
    assert!(
        g.evidence["associated_resources"]["not_listed"].is_string(),
        "{}",
        g.evidence
    );
}

#[tokio::test]
async fn cloudfront_web_acls_are_listed_once_through_us_east_1_without_a_region() {
    let acct = account().await;
    let waf = acct.wafv2("us-east-1");
    let edge = create(&waf, Scope::Cloudfront, "edge", vec![]).await;
    let inv = scan(&acct, &[Service::Wafv2], &["us-east-1", "eu-west-1"]).await;
    let f = findings(&inv, "waf_web_acl_has_rules");
    let edge_findings: Vec<_> = f.iter().filter(|f| f.resource_arn == edge).collect();
    assert_eq!(edge_findings.len(), 1, "{f:#?}");
    assert_eq!(edge_findings[0].status, Status::Fail);
    assert_eq!(edge_findings[0].region, None);
    assert!(
        inv.errors.iter().all(|e| e.api != "ListWebACLs"),
        "{:?}",
        inv.errors
    );
}
