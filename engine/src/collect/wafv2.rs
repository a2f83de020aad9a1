//! AWS WAF (v2) web ACLs: collector. Scope `REGIONAL` in every scanned region, scope
//! `CLOUDFRONT` once through us-east-1 (the only endpoint that serves it).

use super::{Ctx, client};
use crate::inventory::{
    Fetched, ManagedRuleGroup, Service, WafInventory, WafLogging, WafRule, WafScope, WebAcl,
    WebAclDetail,
};
use crate::types::Region;
use aws_sdk_wafv2::Client;
use aws_sdk_wafv2::error::SdkError;
use aws_sdk_wafv2::operation::get_web_acl::GetWebACLError;
use aws_sdk_wafv2::operation::list_resources_for_web_acl::ListResourcesForWebACLError;
use aws_sdk_wafv2::operation::list_web_acls::ListWebACLsError;
use aws_sdk_wafv2::types::{
    FirewallManagerRuleGroup, ResourceType, Rule, Scope, Statement, WebAclSummary,
};

const S: Service = Service::Wafv2;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> WafInventory {
    let (regional, cloudfront) = tokio::join!(
        ctx.per_region(S, regions, |r| async move {
            web_acls(ctx, r, WafScope::Regional).await
        }),
        web_acls(ctx, Region::us_east_1(), WafScope::Cloudfront),
    );
    WafInventory {
        regional,
        cloudfront,
    }
}

async fn web_acls(ctx: &Ctx, region: Region, scope: WafScope) -> Fetched<Vec<WebAcl>> {
    let waf = client!(aws_sdk_wafv2, ctx, &region);
    let waf = &waf;
    let r = Some(&region);
    let summaries = ctx
        .call(
            S,
            r,
            "ListWebACLs",
            None,
            list_web_acls(waf, sdk_scope(scope)),
        )
        .await?;
    let acls = ctx
        .map_bounded(summaries, |s| async move {
            let arn = s.arn().unwrap_or_default().to_owned();
            let name = s.name().unwrap_or_default().to_owned();
            let id = s.id().unwrap_or_default().to_owned();
            let res = Some(arn.as_str());
            let detail = ctx.call(S, r, "GetWebACL", res, async {
                web_acl_detail(waf, sdk_scope(scope), &name, &id).await
            });
            let logging = ctx.call_opt(
                S,
                r,
                "GetLoggingConfiguration",
                res,
                &["WAFNonexistentItemException"],
                async {
                    waf.get_logging_configuration()
                        .resource_arn(&arn)
                        .send()
                        .await
                },
            );
            let associated = async {
                match scope {
                    WafScope::Cloudfront => None,
                    WafScope::Regional => Some(
                        ctx.call(S, r, "ListResourcesForWebACL", res, async {
                            associated_resources(waf, &arn).await
                        })
                        .await,
                    ),
                }
            };
            let (detail, logging, associated_resources) = tokio::join!(detail, logging, associated);
            let logging = logging.map(|out| {
                out.and_then(|o| {
                    o.logging_configuration().map(|c| WafLogging {
                        destinations: c.log_destination_configs().to_vec(),
                    })
                })
            });
            WebAcl {
                arn,
                name,
                id,
                scope,
                detail,
                logging,
                associated_resources,
            }
        })
        .await;
    Ok(acls)
}

fn sdk_scope(scope: WafScope) -> Scope {
    match scope {
        WafScope::Regional => Scope::Regional,
        WafScope::Cloudfront => Scope::Cloudfront,
    }
}

/// Every page of `ListWebACLs` (the SDK has no paginator for WAF's `NextMarker`).
async fn list_web_acls(
    waf: &Client,
    scope: Scope,
) -> Result<Vec<WebAclSummary>, SdkError<ListWebACLsError>> {
    let mut all = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = waf
            .list_web_acls()
            .scope(scope.clone())
            .limit(100)
            .set_next_marker(marker.take())
            .send()
            .await?;
        let got = page.web_acls().len();
        all.extend(page.web_acls().iter().cloned());
        match page.next_marker().filter(|m| !m.is_empty() && got > 0) {
            Some(m) => marker = Some(m.to_owned()),
            None => return Ok(all),
        }
    }
}

/// `GetWebACL`, normalised.
async fn web_acl_detail(
    waf: &Client,
    scope: Scope,
    name: &str,
    id: &str,
) -> Result<WebAclDetail, SdkError<GetWebACLError>> {
    let out = waf
        .get_web_acl()
        .scope(scope)
        .name(name)
        .id(id)
        .send()
        .await?;
    let Some(acl) = out.web_acl() else {
        return Ok(WebAclDetail {
            default_action: String::new(),
            rules: Vec::new(),
            cloudwatch_metrics: false,
        });
    };
    let default_action = match acl.default_action() {
        Some(d) if d.block().is_some() => "Block",
        Some(d) if d.allow().is_some() => "Allow",
        _ => "",
    };
    let mut rules: Vec<WafRule> = acl
        .pre_process_firewall_manager_rule_groups()
        .iter()
        .map(firewall_manager_rule)
        .collect();
    rules.extend(acl.rules().iter().map(rule));
    rules.extend(
        acl.post_process_firewall_manager_rule_groups()
            .iter()
            .map(firewall_manager_rule),
    );
    Ok(WebAclDetail {
        default_action: default_action.to_owned(),
        rules,
        cloudwatch_metrics: acl
            .visibility_config()
            .is_some_and(|v| v.cloud_watch_metrics_enabled()),
    })
}

/// The API Gateway stages and Application Load Balancers a regional web ACL protects.
async fn associated_resources(
    waf: &Client,
    arn: &str,
) -> Result<Vec<String>, SdkError<ListResourcesForWebACLError>> {
    let mut all = Vec::new();
    for kind in [
        ResourceType::ApiGateway,
        ResourceType::ApplicationLoadBalancer,
    ] {
        let out = waf
            .list_resources_for_web_acl()
            .web_acl_arn(arn)
            .resource_type(kind)
            .send()
            .await?;
        all.extend(out.resource_arns().iter().cloned());
    }
    Ok(all)
}

fn rule(r: &Rule) -> WafRule {
    let mut kinds = Vec::new();
    let mut groups = Vec::new();
    if let Some(s) = r.statement() {
        walk(s, &mut kinds, &mut groups);
    }
    let action = r.action().map(|a| {
        if a.block().is_some() {
            "Block"
        } else if a.allow().is_some() {
            "Allow"
        } else if a.count().is_some() {
            "Count"
        } else if a.captcha().is_some() {
            "Captcha"
        } else if a.challenge().is_some() {
            "Challenge"
        } else {
            "Other"
        }
        .to_owned()
    });
    WafRule {
        name: r.name().to_owned(),
        priority: r.priority(),
        statement: kinds.first().cloned().unwrap_or_default(),
        statement_kinds: kinds,
        managed_rule_groups: groups,
        action,
        override_action: override_action(r.override_action()),
        cloudwatch_metrics: r
            .visibility_config()
            .is_some_and(|v| v.cloud_watch_metrics_enabled()),
        firewall_manager: false,
    }
}

fn firewall_manager_rule(g: &FirewallManagerRuleGroup) -> WafRule {
    let statement = g.firewall_manager_statement();
    let managed = statement.and_then(|s| s.managed_rule_group_statement());
    let (kind, groups) = match managed {
        Some(m) => (
            "ManagedRuleGroup",
            vec![ManagedRuleGroup {
                vendor: m.vendor_name().to_owned(),
                name: m.name().to_owned(),
            }],
        ),
        None if statement.is_some_and(|s| s.rule_group_reference_statement().is_some()) => {
            ("RuleGroupReference", Vec::new())
        }
        None => ("", Vec::new()),
    };
    WafRule {
        name: g.name().to_owned(),
        priority: g.priority(),
        statement: kind.to_owned(),
        statement_kinds: vec![kind.to_owned()],
        managed_rule_groups: groups,
        action: None,
        override_action: override_action(g.override_action()),
        cloudwatch_metrics: g
            .visibility_config()
            .is_some_and(|v| v.cloud_watch_metrics_enabled()),
        firewall_manager: true,
    }
}

fn override_action(o: Option<&aws_sdk_wafv2::types::OverrideAction>) -> Option<String> {
    o.map(|o| if o.count().is_some() { "Count" } else { "None" }.to_owned())
}

/// Records the kind of `s` and of every statement nested in it, depth first.
fn walk(s: &Statement, kinds: &mut Vec<String>, groups: &mut Vec<ManagedRuleGroup>) {
    let kind = if s.byte_match_statement().is_some() {
        "ByteMatch"
    } else if s.sqli_match_statement().is_some() {
        "SqliMatch"
    } else if s.xss_match_statement().is_some() {
        "XssMatch"
    } else if s.size_constraint_statement().is_some() {
        "SizeConstraint"
    } else if s.geo_match_statement().is_some() {
        "GeoMatch"
    } else if s.rule_group_reference_statement().is_some() {
        "RuleGroupReference"
    } else if s.ip_set_reference_statement().is_some() {
        "IPSetReference"
    } else if s.regex_pattern_set_reference_statement().is_some() {
        "RegexPatternSetReference"
    } else if s.rate_based_statement().is_some() {
        "RateBased"
    } else if s.and_statement().is_some() {
        "And"
    } else if s.or_statement().is_some() {
        "Or"
    } else if s.not_statement().is_some() {
        "Not"
    } else if s.managed_rule_group_statement().is_some() {
        "ManagedRuleGroup"
    } else if s.label_match_statement().is_some() {
        "LabelMatch"
    } else if s.regex_match_statement().is_some() {
        "RegexMatch"
    } else if s.asn_match_statement().is_some() {
        "AsnMatch"
    } else {
        "Other"
    };
    kinds.push(kind.to_owned());
    if let Some(m) = s.managed_rule_group_statement() {
        groups.push(ManagedRuleGroup {
            vendor: m.vendor_name().to_owned(),
            name: m.name().to_owned(),
        });
    }
    let nested: Vec<&Statement> = [
        s.and_statement().map(|a| a.statements().iter().collect()),
        s.or_statement().map(|o| o.statements().iter().collect()),
        s.not_statement()
            .and_then(|n| n.statement())
            .map(|n| vec![n]),
        s.rate_based_statement()
            .and_then(|r| r.scope_down_statement())
            .map(|n| vec![n]),
    ]
    .into_iter()
    .flatten()
    .flatten()
    .collect();
    for n in nested {
        walk(n, kinds, groups);
    }
}

#[cfg(test)]
mod associated_resources_tests_without_moto_from_aws_documented_responses {
    //! moto serves no `ListResourcesForWebACL`; this body follows the WAFV2 API reference
    //! (JSON 1.1, `X-Amz-Target: AWSWAF_20190729.ListResourcesForWebACL`).
    use super::*;
    use crate::testing::fake_aws::{self, Response};

    #[tokio::test]
    async fn api_gateway_stages_and_load_balancers_are_both_listed() {
        let url = fake_aws::serve(|req| {
            assert_eq!(req.target(), "ListResourcesForWebACL");
            let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
            match body["ResourceType"].as_str() {
                Some("API_GATEWAY") => Response::json(
                    r#"{"ResourceArns": ["arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod"]}"#,
                ),
                Some("APPLICATION_LOAD_BALANCER") => Response::json(
                    r#"{"ResourceArns": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"]}"#,
                ),
                other => Response::json_error(400, "WAFInvalidParameterException", &format!("{other:?}")),
            }
        })
        .await;
        let waf = Client::new(&fake_aws::sdk_config(&url, "us-east-1"));
        let arns = associated_resources(
            &waf,
            "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/app/a1b2c3d4",
        )
        .await
        .unwrap();
        assert_eq!(arns.len(), 2, "{arns:?}");
        assert!(arns[0].contains(":apigateway:"));
        assert!(arns[1].contains("loadbalancer/app/web"));
    }

    #[tokio::test]
    async fn a_denied_listing_keeps_its_aws_code() {
        let url = fake_aws::serve(|_| {
            Response::json_error(400, "WAFInvalidOperationException", "not allowed")
        })
        .await;
        let waf = Client::new(&fake_aws::sdk_config(&url, "us-east-1"));
        let err = associated_resources(
            &waf,
            "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/app/x",
        )
        .await
        .unwrap_err();
        assert_eq!(
            super::super::fetch_error(&err).code,
            "WAFInvalidOperationException"
        );
    }
}
