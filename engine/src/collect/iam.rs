//! IAM collector: authorization details, credential report, password policy, account
//! summary, MFA devices, access keys and their last use, server certificates, and
//! IAM Access Analyzer analyzers in every region.

use super::{Ctx, client, fetch_error, home_region, policy_document, time};
use crate::inventory::{
    AccessKey, Analyzer, AttachedPolicy, CredentialReportRow, FetchError, Fetched, Group,
    IamInventory, InlinePolicy, ManagedPolicy, MfaDevice, PasswordPolicy, PolicyEntities, Role,
    ServerCertificate, Service, ServiceUse, User, VirtualMfaDevice,
};
use crate::types::Region;
use aws_sdk_iam::types::{EntityType, ReportStateType};
use std::collections::BTreeMap;
use std::time::Duration;

const S: Service = Service::Iam;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> IamInventory {
    let home = home_region(regions);
    let iam = client!(aws_sdk_iam, ctx, &home);
    ctx.progress().add_tasks(1);
    let partition = ctx.partition.clone();
    let (
        details,
        report,
        password_policy,
        summary,
        virtual_mfa,
        certs,
        support,
        cloudshell,
        analyzers,
    ) = tokio::join!(
        authorization_details(ctx, &iam),
        credential_report(ctx, &iam),
        password_policy(ctx, &iam),
        account_summary(ctx, &iam),
        virtual_mfa_devices(ctx, &iam),
        server_certificates(ctx, &iam),
        policy_entities(
            ctx,
            &iam,
            format!("arn:{partition}:iam::aws:policy/AWSSupportAccess")
        ),
        policy_entities(
            ctx,
            &iam,
            format!("arn:{partition}:iam::aws:policy/AWSCloudShellFullAccess")
        ),
        ctx.per_region(S, regions, |r| analyzers(ctx, r)),
    );
    let (users, groups, roles, policies) = match details {
        Ok(d) => (Ok(d.users), Ok(d.groups), Ok(d.roles), Ok(d.policies)),
        Err(e) => (Err(e.clone()), Err(e.clone()), Err(e.clone()), Err(e)),
    };
    let users = match users {
        Ok(users) => Ok(with_user_credentials(ctx, &iam, users, report.as_ref().ok()).await),
        Err(e) => Err(e),
    };
    let last_accessed = if ctx.last_accessed {
        Some(last_accessed(ctx, &iam, &users, &roles).await)
    } else {
        None
    };
    ctx.progress().task_done("iam");
    IamInventory {
        users,
        groups,
        roles,
        policies,
        credential_report: report,
        password_policy,
        account_summary: summary,
        virtual_mfa_devices: virtual_mfa,
        server_certificates: certs,
        support_access_entities: support,
        cloudshell_full_access_entities: cloudshell,
        last_accessed,
        access_analyzers: analyzers,
    }
}

struct Details {
    users: Vec<User>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
}

fn doc(ctx: &Ctx, api: &str, resource: &str, raw: Option<&str>) -> Fetched<serde_json::Value> {
    let result = match raw {
        Some(raw) => policy_document(raw),
        None => Err(FetchError::new(
            "MissingPolicyDocument",
            "IAM returned no document",
        )),
    };
    if let Err(e) = &result {
        ctx.record(S, None, api, Some(resource), e);
    }
    result
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            name: p.policy_name().unwrap_or_default().to_owned(),
            arn: p.policy_arn().unwrap_or_default().to_owned(),
        })
        .collect()
}

fn inline(ctx: &Ctx, owner: &str, list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<InlinePolicy> {
    const API: &str = "GetAccountAuthorizationDetails";
    list.iter()
        .map(|p| {
            let name = p.policy_name().unwrap_or_default().to_owned();
            let document = doc(ctx, API, &format!("{owner}/{name}"), p.policy_document());
            InlinePolicy { name, document }
        })
        .collect()
}

async fn authorization_details(ctx: &Ctx, iam: &aws_sdk_iam::Client) -> Fetched<Details> {
    const API: &str = "GetAccountAuthorizationDetails";
    let pages = ctx
        .call(S, None, API, None, async {
            iam.get_account_authorization_details()
                .filter(EntityType::User)
                .filter(EntityType::Group)
                .filter(EntityType::Role)
                .filter(EntityType::LocalManagedPolicy)
                .filter(EntityType::AwsManagedPolicy)
                .into_paginator()
                .send()
                .try_collect()
                .await
        })
        .await?;
    let mut d = Details {
        users: vec![],
        groups: vec![],
        roles: vec![],
        policies: vec![],
    };
    for page in &pages {
        for u in page.user_detail_list() {
            let arn = u.arn().unwrap_or_default().to_owned();
            d.users.push(User {
                name: u.user_name().unwrap_or_default().to_owned(),
                create_date: time(u.create_date()),
                password_last_used: None,
                groups: u.group_list().to_vec(),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies: inline(ctx, &arn, u.user_policy_list()),
                permissions_boundary: u
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                mfa_devices: Ok(vec![]),
                access_keys: Ok(vec![]),
                arn,
            });
        }
        for g in page.group_detail_list() {
            let arn = g.arn().unwrap_or_default().to_owned();
            d.groups.push(Group {
                name: g.group_name().unwrap_or_default().to_owned(),
                attached_policies: attached(g.attached_managed_policies()),
                inline_policies: inline(ctx, &arn, g.group_policy_list()),
                arn,
            });
        }
        for r in page.role_detail_list() {
            let arn = r.arn().unwrap_or_default().to_owned();
            d.roles.push(Role {
                name: r.role_name().unwrap_or_default().to_owned(),
                path: r.path().unwrap_or("/").to_owned(),
                create_date: time(r.create_date()),
                trust_policy: doc(ctx, API, &arn, r.assume_role_policy_document()),
                attached_policies: attached(r.attached_managed_policies()),
                inline_policies: inline(ctx, &arn, r.role_policy_list()),
                permissions_boundary: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                last_used: r.role_last_used().and_then(|l| time(l.last_used_date())),
                arn,
            });
        }
        for p in page.policies() {
            let arn = p.arn().unwrap_or_default().to_owned();
            let aws_managed = arn.contains(":iam::aws:policy/");
            let attachment_count = p.attachment_count().unwrap_or(0);
            // AWS managed policies matter only where something uses them.
            if aws_managed && attachment_count == 0 {
                continue;
            }
            let default = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version());
            d.policies.push(ManagedPolicy {
                name: p.policy_name().unwrap_or_default().to_owned(),
                aws_managed,
                attachment_count,
                default_version_id: p.default_version_id().map(str::to_owned),
                document: doc(ctx, API, &arn, default.and_then(|v| v.document())),
                arn,
            });
        }
    }
    Ok(d)
}

/// Adds MFA devices, access keys and key last use to each user.
async fn with_user_credentials(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    users: Vec<User>,
    report: Option<&Vec<CredentialReportRow>>,
) -> Vec<User> {
    ctx.map_bounded(users, |mut user| async move {
        let name = user.name.clone();
        let (mfa, keys) = tokio::join!(
            ctx.call(S, None, "ListMFADevices", Some(&user.arn), async {
                iam.list_mfa_devices()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
            }),
            ctx.call(S, None, "ListAccessKeys", Some(&user.arn), async {
                iam.list_access_keys()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
            }),
        );
        user.mfa_devices = mfa.map(|devices| {
            devices
                .iter()
                .map(|d| MfaDevice {
                    serial_number: d.serial_number().to_owned(),
                    enable_date: time(Some(d.enable_date())),
                })
                .collect()
        });
        user.access_keys = match keys {
            Ok(keys) => Ok(ctx
                .map_bounded(keys, |k| async move {
                    let id = k.access_key_id().unwrap_or_default().to_owned();
                    let last_used = ctx
                        .call(S, None, "GetAccessKeyLastUsed", Some(&id), async {
                            iam.get_access_key_last_used()
                                .access_key_id(&id)
                                .send()
                                .await
                        })
                        .await
                        .map(|o| {
                            o.access_key_last_used()
                                .and_then(|l| time(l.last_used_date()))
                        });
                    AccessKey {
                        active: k.status().is_some_and(|s| s.as_str() == "Active"),
                        create_date: time(k.create_date()),
                        last_used,
                        id,
                    }
                })
                .await),
            Err(e) => Err(e),
        };
        user.password_last_used = report
            .and_then(|rows| rows.iter().find(|r| r.arn == user.arn))
            .and_then(|r| r.password_last_used);
        user
    })
    .await
}

async fn credential_report(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
) -> Fetched<Vec<CredentialReportRow>> {
    // The report is generated asynchronously; poll until it is ready.
    for attempt in 0..20u64 {
        let state = ctx
            .call(S, None, "GenerateCredentialReport", None, async {
                iam.generate_credential_report().send().await
            })
            .await?;
        if state.state() == Some(&ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await;
    }
    let out = ctx
        .call(S, None, "GetCredentialReport", None, async {
            iam.get_credential_report().send().await
        })
        .await?;
    let bytes = out.content().map(|b| b.as_ref()).unwrap_or_default();
    let rows = parse_credential_report(bytes);
    if let Err(e) = &rows {
        ctx.record(S, None, "GetCredentialReport", None, e);
    }
    rows
}

/// Parses the credential report CSV. Unknown columns are ignored; missing ones stay empty.
pub(crate) fn parse_credential_report(bytes: &[u8]) -> Fetched<Vec<CredentialReportRow>> {
    let malformed = |e: csv::Error| FetchError::new("MalformedCredentialReport", e.to_string());
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(malformed)?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let idx = |name: &str| col(name);
    let (user, arn) = match (idx("user"), idx("arn")) {
        (Some(u), Some(a)) => (u, a),
        _ => {
            return Err(FetchError::new(
                "MalformedCredentialReport",
                "no `user` or `arn` column",
            ));
        }
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        let get = |name: &str| idx(name).and_then(|i| record.get(i)).unwrap_or("");
        let date = |name: &str| parse_report_date(get(name));
        let flag = |name: &str| get(name).eq_ignore_ascii_case("true");
        rows.push(CredentialReportRow {
            user: record.get(user).unwrap_or_default().to_owned(),
            arn: record.get(arn).unwrap_or_default().to_owned(),
            user_creation_time: date("user_creation_time"),
            password_enabled: flag("password_enabled"),
            password_last_used: date("password_last_used"),
            password_last_changed: date("password_last_changed"),
            mfa_active: flag("mfa_active"),
            access_key_1_active: flag("access_key_1_active"),
            access_key_1_last_rotated: date("access_key_1_last_rotated"),
            access_key_1_last_used: date("access_key_1_last_used_date"),
            access_key_2_active: flag("access_key_2_active"),
            access_key_2_last_rotated: date("access_key_2_last_rotated"),
            access_key_2_last_used: date("access_key_2_last_used_date"),
            cert_1_active: flag("cert_1_active"),
            cert_2_active: flag("cert_2_active"),
        });
    }
    Ok(rows)
}

fn parse_report_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

async fn password_policy(ctx: &Ctx, iam: &aws_sdk_iam::Client) -> Fetched<Option<PasswordPolicy>> {
    let out = ctx
        .call_opt(
            S,
            None,
            "GetAccountPasswordPolicy",
            None,
            &["NoSuchEntity"],
            async { iam.get_account_password_policy().send().await },
        )
        .await?;
    Ok(out
        .and_then(|o| o.password_policy().cloned())
        .map(|p| PasswordPolicy {
            minimum_length: p.minimum_password_length(),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase: p.require_uppercase_characters(),
            require_lowercase: p.require_lowercase_characters(),
            allow_users_to_change: p.allow_users_to_change_password(),
            expire_passwords: p.expire_passwords(),
            max_age_days: p.max_password_age(),
            reuse_prevention: p.password_reuse_prevention(),
            hard_expiry: p.hard_expiry(),
        }))
}

async fn account_summary(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
) -> Fetched<std::collections::BTreeMap<String, i64>> {
    let out = ctx
        .call(S, None, "GetAccountSummary", None, async {
            iam.get_account_summary().send().await
        })
        .await?;
    Ok(out
        .summary_map()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().to_owned(), i64::from(*v)))
                .collect()
        })
        .unwrap_or_default())
}

async fn virtual_mfa_devices(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
) -> Fetched<Vec<VirtualMfaDevice>> {
    let devices = ctx
        .call(S, None, "ListVirtualMFADevices", None, async {
            iam.list_virtual_mfa_devices()
                .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    Ok(devices
        .iter()
        .map(|d| VirtualMfaDevice {
            serial_number: d.serial_number().to_owned(),
            user_arn: d.user().map(|u| u.arn().to_owned()),
        })
        .collect())
}

async fn server_certificates(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
) -> Fetched<Vec<ServerCertificate>> {
    let certs = ctx
        .call(S, None, "ListServerCertificates", None, async {
            iam.list_server_certificates()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    Ok(certs
        .iter()
        .map(|c| ServerCertificate {
            name: c.server_certificate_name().to_owned(),
            arn: c.arn().to_owned(),
            expiration: time(c.expiration()),
            upload_date: time(c.upload_date()),
        })
        .collect())
}

/// Who a managed policy is attached to. A policy that does not exist is attached to nobody.
async fn policy_entities(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    arn: String,
) -> Fetched<PolicyEntities> {
    let pages = ctx
        .call_opt(
            S,
            None,
            "ListEntitiesForPolicy",
            Some(&arn),
            &["NoSuchEntity"],
            async {
                iam.list_entities_for_policy()
                    .policy_arn(&arn)
                    .into_paginator()
                    .send()
                    .try_collect()
                    .await
            },
        )
        .await?;
    let mut entities = PolicyEntities::default();
    for page in pages.unwrap_or_default() {
        entities.users.extend(
            page.policy_users()
                .iter()
                .filter_map(|u| u.user_name())
                .map(str::to_owned),
        );
        entities.groups.extend(
            page.policy_groups()
                .iter()
                .filter_map(|g| g.group_name())
                .map(str::to_owned),
        );
        entities.roles.extend(
            page.policy_roles()
                .iter()
                .filter_map(|r| r.role_name())
                .map(str::to_owned),
        );
    }
    Ok(entities)
}

async fn analyzers(ctx: &Ctx, region: Region) -> Fetched<Vec<Analyzer>> {
    let aa = client!(aws_sdk_accessanalyzer, ctx, &region);
    let list = ctx
        .call(
            Service::Iam,
            Some(&region),
            "accessanalyzer:ListAnalyzers",
            None,
            async {
                aa.list_analyzers()
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
            },
        )
        .await?;
    Ok(list
        .iter()
        .map(|a| Analyzer {
            name: a.name().to_owned(),
            arn: a.arn().to_owned(),
            analyzer_type: a.r#type().as_str().to_owned(),
            status: a.status().as_str().to_owned(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_report_rows_parse_with_root_and_na_dates() {
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2024-03-01T00:00:00+00:00,true,no_information,2024-03-01T00:00:00+00:00,N/A,false,true,2024-03-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        let rows = parse_credential_report(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert!(rows[0].mfa_active);
        assert!(rows[0].password_last_used.is_some());
        assert!(!rows[0].password_enabled);
        assert!(rows[1].password_enabled && rows[1].access_key_1_active);
        assert_eq!(rows[1].password_last_used, None);
        assert_eq!(rows[1].access_key_1_last_used, None);
    }

    #[test]
    fn credential_report_without_user_column_is_malformed() {
        let err = parse_credential_report(b"name,x\nalice,1\n").unwrap_err();
        assert_eq!(err.code, "MalformedCredentialReport");
        assert!(parse_credential_report(b"").is_err());
    }
}

/// IAM's service-last-accessed report of every user and role: one job per principal,
/// polled until it completes. A principal whose job fails is left out and recorded.
async fn last_accessed(
    ctx: &Ctx,
    iam: &aws_sdk_iam::Client,
    users: &Fetched<Vec<User>>,
    roles: &Fetched<Vec<Role>>,
) -> Fetched<BTreeMap<String, Vec<ServiceUse>>> {
    let mut arns: Vec<String> = users
        .as_ref()
        .map_err(Clone::clone)?
        .iter()
        .map(|u| u.arn.clone())
        .collect();
    arns.extend(
        roles
            .as_ref()
            .map_err(Clone::clone)?
            .iter()
            .map(|r| r.arn.clone()),
    );
    let results = ctx
        .map_bounded(arns, |arn| async move {
            let uses = {
                let _permit = ctx.permit().await;
                service_last_accessed(iam, &arn, Duration::from_millis(500)).await
            };
            if let Err(e) = &uses {
                ctx.record(S, None, "GetServiceLastAccessedDetails", Some(&arn), e);
            }
            (arn, uses)
        })
        .await;
    Ok(results
        .into_iter()
        .filter_map(|(arn, uses)| uses.ok().map(|u| (arn, u)))
        .collect())
}

/// One principal's report: starts the job, polls it (up to 60 times, `pause` apart), and
/// reads every page. Public for the test that serves AWS-documented responses (moto does
/// not implement these calls).
pub async fn service_last_accessed(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    pause: Duration,
) -> Result<Vec<ServiceUse>, FetchError> {
    let job = iam
        .generate_service_last_accessed_details()
        .arn(arn)
        .send()
        .await
        .map_err(|e| fetch_error(&e))?;
    let job_id = job
        .job_id()
        .ok_or_else(|| {
            FetchError::new(
                "MalformedResponse",
                "GenerateServiceLastAccessedDetails returned no JobId",
            )
        })?
        .to_owned();
    let mut uses = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..60 {
        let page = iam
            .get_service_last_accessed_details()
            .job_id(&job_id)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| fetch_error(&e))?;
        match page.job_status().as_str() {
            "COMPLETED" => {
                uses.extend(page.services_last_accessed().iter().map(|s| ServiceUse {
                    namespace: s.service_namespace().to_owned(),
                    last_authenticated: time(s.last_authenticated()),
                }));
                match page.marker().filter(|_| page.is_truncated()) {
                    Some(m) => marker = Some(m.to_owned()),
                    None => return Ok(uses),
                }
            }
            "FAILED" => {
                let why = page
                    .error()
                    .map(|e| e.message().to_owned())
                    .unwrap_or_default();
                return Err(FetchError::new(
                    "JobFailed",
                    format!("service-last-accessed job failed: {why}"),
                ));
            }
            _ => tokio::time::sleep(pause).await,
        }
    }
    Err(FetchError::new(
        "Timeout",
        "service-last-accessed job did not complete",
    ))
}

/// moto does not implement the service-last-accessed calls, so this test serves the
/// responses as AWS documents them (IAM API reference, `GetServiceLastAccessedDetails`
/// example) from a loopback HTTP server and checks what the collector reads from them.
#[cfg(test)]
mod last_accessed_tests_without_moto_from_aws_documented_responses {
    use super::*;
    use crate::testing::fake_aws::{self, Response};

    const JOB: &str = "<GenerateServiceLastAccessedDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GenerateServiceLastAccessedDetailsResult><JobId>examplef-1305-c245-eba4-71fe298bcda7</JobId></GenerateServiceLastAccessedDetailsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GenerateServiceLastAccessedDetailsResponse>";

    fn details(status: &str, members: &str, error: &str) -> String {
        format!(
            "<GetServiceLastAccessedDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetServiceLastAccessedDetailsResult><IsTruncated>false</IsTruncated><JobCreationDate>2018-10-24T19:47:31.466Z</JobCreationDate><ServicesLastAccessed>{members}</ServicesLastAccessed><JobStatus>{status}</JobStatus>{error}</GetServiceLastAccessedDetailsResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetServiceLastAccessedDetailsResponse>"
        )
    }

    const MEMBERS: &str = "<member><ServiceNamespace>s3</ServiceNamespace><LastAuthenticated>2018-10-24T19:11:00Z</LastAuthenticated><ServiceName>Amazon S3</ServiceName><LastAuthenticatedEntity>arn:aws:iam::123456789012:user/AWSExampleUser01</LastAuthenticatedEntity><TotalAuthenticatedEntities>3</TotalAuthenticatedEntities></member><member><ServiceNamespace>dynamodb</ServiceNamespace><ServiceName>Amazon DynamoDB</ServiceName><TotalAuthenticatedEntities>0</TotalAuthenticatedEntities></member>";

    /// Serves `GenerateServiceLastAccessedDetails`, then the `details` bodies in order.
    async fn server(bodies: Vec<String>) -> String {
        let bodies = std::sync::Mutex::new(bodies.into_iter());
        fake_aws::serve(move |req| {
            if req
                .body
                .contains("Action=GenerateServiceLastAccessedDetails")
            {
                Response::xml(JOB)
            } else {
                Response::xml(bodies.lock().unwrap().next().unwrap_or_default())
            }
        })
        .await
    }

    fn client(url: &str) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&fake_aws::sdk_config(url, "us-east-1"))
    }

    #[tokio::test]
    async fn a_job_in_progress_is_polled_until_it_completes_and_every_service_is_read() {
        let url = server(vec![
            details("IN_PROGRESS", "", ""),
            details("COMPLETED", MEMBERS, ""),
        ])
        .await;
        let uses = service_last_accessed(
            &client(&url),
            "arn:aws:iam::123456789012:user/u",
            Duration::from_millis(1),
        )
        .await
        .unwrap();
        assert_eq!(uses.len(), 2);
        assert_eq!(uses[0].namespace, "s3");
        assert_eq!(
            uses[0]
                .last_authenticated
                .map(|t| t.to_rfc3339())
                .as_deref(),
            Some("2018-10-24T19:11:00+00:00")
        );
        assert_eq!(uses[1].namespace, "dynamodb");
        assert_eq!(uses[1].last_authenticated, None);
    }

    #[tokio::test]
    async fn a_failed_job_is_an_error_with_its_message() {
        let url = server(vec![details(
            "FAILED",
            "",
            "<Error><Message>entity not found</Message><Code>NoSuchEntity</Code></Error>",
        )])
        .await;
        let err = service_last_accessed(
            &client(&url),
            "arn:aws:iam::123456789012:role/r",
            Duration::from_millis(1),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, "JobFailed");
        assert!(err.message.contains("entity not found"), "{}", err.message);
    }
}
