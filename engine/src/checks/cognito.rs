//! Cognito checks: user pool sign-in security (MFA, password policy, threat protection,
//! deletion protection, self sign-up) and app client settings (auth flows, OAuth flows,
//! callback URLs, user-existence errors, refresh token lifetime).

use super::{Check, Outcome, not_collected};
use crate::inventory::{
    AppClient, AppClientSettings, Inventory, UserPool, UserPoolMfaConfig, UserPoolSettings,
};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Minimum password length: the length CIS asks of IAM user passwords (CIS AWS 1.8), so
/// one account holds one bar. Cognito's default is 8.
const MIN_PASSWORD_LENGTH: i32 = 14;
/// Longest acceptable temporary (invitation) password validity, Cognito's default.
const MAX_TEMPORARY_PASSWORD_DAYS: i32 = 7;
/// Longest acceptable refresh token lifetime: 90 days (Cognito's default is 30, its
/// maximum ten years).
const MAX_REFRESH_TOKEN_DAYS: i64 = 90;

const POOL: &str = "AwsCognitoUserPool";
const CLIENT: &str = "AwsCognitoUserPoolClient";

pub(super) const CHECKS: &[Check] = &[
    check!(
        Cognito,
        "cognito_user_pool_mfa_enabled",
        "Cognito user pools offer multi-factor authentication",
        Medium,
        "With MFA off, a stolen or guessed password is enough to take over a user. `OPTIONAL` passes this check (users can enrol) and is flagged by cognito_user_pool_mfa_required.",
        "Cognito → User pools → the pool → Authentication → Sign-in → Multi-factor authentication → Edit: Require MFA (or Optional MFA) with Authenticator apps.",
        "aws cognito-idp set-user-pool-mfa-config --user-pool-id <pool-id> --mfa-configuration ON --software-token-mfa-configuration Enabled=true",
        mfa_enabled
    ),
    check!(
        Cognito,
        "cognito_user_pool_mfa_required",
        "Cognito user pools require multi-factor authentication",
        Low,
        "With MFA `OPTIONAL`, every user who never enrolled a second factor signs in with a password alone. Requiring MFA (`ON`) closes that gap; pools whose users cannot all enrol may accept this finding.",
        "Cognito → User pools → the pool → Authentication → Sign-in → Multi-factor authentication → Edit: Require MFA.",
        "aws cognito-idp set-user-pool-mfa-config --user-pool-id <pool-id> --mfa-configuration ON --software-token-mfa-configuration Enabled=true",
        mfa_required
    ),
    check!(
        Cognito,
        "cognito_user_pool_mfa_totp_enabled",
        "Cognito user pools with MFA offer authenticator apps (TOTP), not only SMS or email",
        Low,
        "SMS codes can be intercepted through SIM swapping and number porting, and email codes fall with the mailbox; authenticator-app (TOTP) codes are bound to the user's device. Pools with MFA off are reported by cognito_user_pool_mfa_enabled and skipped here.",
        "Cognito → User pools → the pool → Authentication → Sign-in → Multi-factor authentication → Edit: tick Authenticator apps.",
        "aws cognito-idp set-user-pool-mfa-config --user-pool-id <pool-id> --mfa-configuration <ON|OPTIONAL> --software-token-mfa-configuration Enabled=true",
        mfa_totp
    ),
    check!(
        Cognito,
        "cognito_user_pool_password_policy_strong",
        "Cognito user pool password policies require 14 characters, all character classes and short-lived temporary passwords",
        Medium,
        "Length is what resists guessing and cracking: 14 characters is the minimum CIS asks of IAM passwords (CIS AWS 1.8), used here so one account keeps one bar; Cognito's default is 8. Requiring upper and lower case, digits and symbols keeps users off the shortest dictionaries, and temporary passwords from invitations should expire within 7 days. Maps to FSBP Cognito.3 with its minimum length parameter raised from 8 to 14.",
        "Cognito → User pools → the pool → Authentication → Sign-in → Password policy → Edit: Custom, minimum length 14, all four character requirements, temporary passwords expire in 7 days or fewer.",
        "aws cognito-idp update-user-pool --user-pool-id <pool-id> --policies 'PasswordPolicy={MinimumLength=14,RequireUppercase=true,RequireLowercase=true,RequireNumbers=true,RequireSymbols=true,TemporaryPasswordValidityDays=7}'  (update-user-pool resets every setting you omit: pass the pool's current settings too)",
        password_policy
    ),
    check!(
        Cognito,
        "cognito_user_pool_threat_protection_enforced",
        "Cognito user pools have threat protection enforced for standard authentication",
        Medium,
        "Threat protection (advanced security) detects compromised credentials and risky sign-ins and, in `ENFORCED` (full function) mode, blocks them or asks for MFA. `AUDIT` only records metrics; off does nothing. It requires the Plus feature plan. (Security Hub's Cognito.1 control checks the same, but it is not part of the FSBP standard.)",
        "Cognito → User pools → the pool → Threat protection → Activate, then set Enforcement mode for standard authentication to Full function.",
        "aws cognito-idp update-user-pool --user-pool-id <pool-id> --user-pool-add-ons AdvancedSecurityMode=ENFORCED  (update-user-pool resets every setting you omit: pass the pool's current settings too)",
        threat_protection
    ),
    check!(
        Cognito,
        "cognito_user_pool_deletion_protection",
        "Cognito user pools have deletion protection on",
        Low,
        "Deleting a user pool deletes every user and their credentials irrecoverably. Deletion protection makes a delete fail until someone switches it off deliberately.",
        "Cognito → User pools → the pool → Settings → Deletion protection → Activate.",
        "aws cognito-idp update-user-pool --user-pool-id <pool-id> --deletion-protection ACTIVE  (update-user-pool resets every setting you omit: pass the pool's current settings too)",
        deletion_protection
    ),
    check!(
        Cognito,
        "cognito_user_pool_self_signup_disabled",
        "Cognito user pools do not let anyone sign up unless intended",
        Informational,
        "With self sign-up on, anyone on the internet can create a user and obtain tokens, and with an identity pool, AWS credentials. That is right for consumer apps; for internal ones only administrators should create users.",
        "Cognito → User pools → the pool → Sign-up → Self-service sign-up → Edit: disable, if the app is not public.",
        "aws cognito-idp update-user-pool --user-pool-id <pool-id> --admin-create-user-config AllowAdminCreateUserOnly=true  (update-user-pool resets every setting you omit: pass the pool's current settings too)",
        self_signup
    ),
    check!(
        Cognito,
        "cognito_client_no_user_password_auth",
        "Cognito app clients do not allow plain username-password authentication",
        Medium,
        "`ALLOW_USER_PASSWORD_AUTH` sends the user's password itself to Cognito, so it can be logged or captured by anything in the path; SRP (`ALLOW_USER_SRP_AUTH`) proves the password without sending it. Keep the plain flow only for migrations through a user-migration trigger.",
        "Cognito → User pools → the pool → App clients → the client → Edit: untick ALLOW_USER_PASSWORD_AUTH, keep ALLOW_USER_SRP_AUTH and ALLOW_REFRESH_TOKEN_AUTH.",
        "aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --explicit-auth-flows ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH  (omitted settings are reset: pass the client's current settings too)",
        no_user_password_auth
    ),
    check!(
        Cognito,
        "cognito_client_no_implicit_oauth_flow",
        "Cognito app clients do not use the OAuth implicit grant",
        Medium,
        "The implicit grant returns tokens in the redirect URL, where browser history, logs and referrers can leak them, with no PKCE binding. OAuth 2.0 Security Best Current Practice (RFC 9700) says not to use it; use the authorization code grant with PKCE.",
        "Cognito → User pools → the pool → App clients → the client → Login pages → Edit: OAuth grant types: Authorization code grant only.",
        "aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --allowed-o-auth-flows code --allowed-o-auth-flows-user-pool-client  (omitted settings are reset: pass the client's current settings too)",
        no_implicit_flow
    ),
    check!(
        Cognito,
        "cognito_client_callback_urls_https",
        "Cognito app client callback URLs use HTTPS",
        Medium,
        "Authorization codes and tokens are delivered to the callback URL: over plain `http://` anyone on the network path can take them. `http://localhost` (development) and custom app schemes (`myapp://`, native apps per RFC 8252) are accepted.",
        "Cognito → User pools → the pool → App clients → the client → Login pages → Edit: change every http:// callback URL to https://.",
        "aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --callback-urls https://app.example.com/callback  (omitted settings are reset: pass the client's current settings too)",
        callback_urls_https
    ),
    check!(
        Cognito,
        "cognito_client_prevent_user_existence_errors",
        "Cognito app clients do not reveal whether a user exists",
        Low,
        "With `PreventUserExistenceErrors` at `LEGACY`, sign-in, confirmation and password-reset answers differ for unknown users (`UserNotFoundException`), letting anyone enumerate valid usernames for targeted guessing or phishing. `ENABLED` returns the same generic error.",
        "Cognito → User pools → the pool → App clients → the client → Edit: Advanced security configurations → Prevent user existence errors.",
        "aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --prevent-user-existence-errors ENABLED  (omitted settings are reset: pass the client's current settings too)",
        prevent_user_existence_errors
    ),
    check!(
        Cognito,
        "cognito_client_refresh_token_validity",
        "Cognito app client refresh tokens expire within 90 days",
        Low,
        "A refresh token mints new access tokens until it expires, so a stolen one is a standing session. Cognito's default is 30 days and its maximum ten years; this check accepts up to 90 days.",
        "Cognito → User pools → the pool → App clients → the client → Edit: Refresh token expiration of 90 days or less.",
        "aws cognito-idp update-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --refresh-token-validity 30 --token-validity-units RefreshToken=days  (omitted settings are reset: pass the client's current settings too)",
        refresh_token_validity
    ),
];

/// Runs `judge` on every user pool (`None`: not applicable), turning regions that could
/// not be listed into errors.
fn each_pool(inv: &Inventory, judge: impl Fn(&UserPool) -> Option<Outcome>) -> Vec<Outcome> {
    let Some(regions) = &inv.cognito else {
        return vec![not_collected(
            POOL,
            format!("arn:{}:cognito-idp:::{}", inv.partition, inv.account_id),
            "Cognito",
        )];
    };
    let mut out = Vec::new();
    for (region, pools) in regions {
        match pools {
            Err(e) => out.push(
                Outcome::error(
                    POOL,
                    format!(
                        "arn:{}:cognito-idp:{region}:{}",
                        inv.partition, inv.account_id
                    ),
                    "Cognito user pools",
                    e,
                )
                .in_region(region),
            ),
            Ok(r) => out.extend(
                r.user_pools
                    .iter()
                    .filter_map(&judge)
                    .map(|o| o.in_region(region)),
            ),
        }
    }
    out
}

/// Judges each pool's `DescribeUserPool` settings.
fn each_pool_settings(
    inv: &Inventory,
    judge: impl Fn(&UserPool, &UserPoolSettings) -> Outcome,
) -> Vec<Outcome> {
    each_pool(inv, |p| {
        Some(match &p.settings {
            Err(e) => Outcome::error(POOL, &p.arn, "the user pool settings", e),
            Ok(s) => judge(p, s),
        })
    })
}

/// Judges every app client of every pool.
fn each_client(
    inv: &Inventory,
    judge: impl Fn(&AppClient, &AppClientSettings) -> Outcome,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for o in each_pool(inv, |p| match &p.clients {
        Err(e) => Some(Outcome::error(
            CLIENT,
            &p.arn,
            "the user pool's app clients",
            e,
        )),
        Ok(_) => None,
    }) {
        out.push(o);
    }
    let Some(regions) = &inv.cognito else {
        return out;
    };
    for (region, pools) in regions {
        let Ok(r) = pools else { continue };
        for p in &r.user_pools {
            let Ok(clients) = &p.clients else { continue };
            for c in clients {
                let arn = client_arn(p, c);
                let o = match &c.settings {
                    Err(e) => Outcome::error(CLIENT, arn, "the app client settings", e),
                    Ok(s) => {
                        let mut o = judge(c, s);
                        o.resource_arn = arn;
                        o
                    }
                };
                out.push(o.in_region(region));
            }
        }
    }
    out
}

/// App clients have no ARN of their own: Rampart names them under their pool.
fn client_arn(p: &UserPool, c: &AppClient) -> String {
    format!("{}/client/{}", p.arn, c.id)
}

fn client_outcome(ok: bool, c: &AppClient, message: String) -> Outcome {
    Outcome::pass_if(ok, CLIENT, "", message)
        .with_evidence(json!({"client_id": c.id, "client_name": c.name}))
}

fn mfa_enabled(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let mode = s.mfa_configuration.as_deref().unwrap_or("OFF");
        let message = match mode {
            "ON" => "MFA is required".to_owned(),
            "OPTIONAL" => "MFA is optional: users can enrol a second factor".to_owned(),
            other => format!("MFA is `{other}`: passwords alone sign users in"),
        };
        Outcome::pass_if(matches!(mode, "ON" | "OPTIONAL"), POOL, &p.arn, message)
            .with_evidence(json!({"mfa_configuration": mode}))
    })
}

fn mfa_required(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let mode = s.mfa_configuration.as_deref().unwrap_or("OFF");
        Outcome::pass_if(
            mode == "ON",
            POOL,
            &p.arn,
            if mode == "ON" {
                "MFA is required for every user".to_owned()
            } else {
                format!(
                    "MFA is `{mode}`: users without a second factor sign in with a password alone"
                )
            },
        )
        .with_evidence(json!({"mfa_configuration": mode}))
    })
}

fn mfa_totp(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool(inv, |p| {
        let m: &UserPoolMfaConfig = match &p.mfa {
            Err(e) => return Some(Outcome::error(POOL, &p.arn, "the MFA configuration", e)),
            Ok(m) => m,
        };
        if !matches!(m.mfa_configuration.as_deref(), Some("ON" | "OPTIONAL")) {
            return None;
        }
        let mut factors = Vec::new();
        if m.software_token_enabled {
            factors.push("TOTP");
        }
        if m.sms_enabled {
            factors.push("SMS");
        }
        if m.email_enabled {
            factors.push("email");
        }
        Some(
            Outcome::pass_if(
                m.software_token_enabled,
                POOL,
                &p.arn,
                if m.software_token_enabled {
                    "users can use an authenticator app (TOTP) as second factor".to_owned()
                } else {
                    format!(
                        "the only second factors offered are {}",
                        if factors.is_empty() {
                            "none".to_owned()
                        } else {
                            factors.join(", ")
                        }
                    )
                },
            )
            .with_evidence(json!({"factors": factors})),
        )
    })
}

fn password_policy(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let Some(pp) = &s.password_policy else {
            return Outcome::fail(POOL, &p.arn, "the pool reports no password policy");
        };
        let mut gaps = Vec::new();
        let len = pp.minimum_length.unwrap_or(0);
        if len < MIN_PASSWORD_LENGTH {
            gaps.push(format!("minimum length {len} < {MIN_PASSWORD_LENGTH}"));
        }
        for (required, class) in [
            (pp.require_uppercase, "uppercase letters"),
            (pp.require_lowercase, "lowercase letters"),
            (pp.require_numbers, "numbers"),
            (pp.require_symbols, "symbols"),
        ] {
            if required != Some(true) {
                gaps.push(format!("{class} not required"));
            }
        }
        match pp.temporary_password_validity_days {
            Some(d) if d > MAX_TEMPORARY_PASSWORD_DAYS => gaps.push(format!(
                "temporary passwords valid {d} days > {MAX_TEMPORARY_PASSWORD_DAYS}"
            )),
            _ => {}
        }
        Outcome::pass_if(
            gaps.is_empty(),
            POOL,
            &p.arn,
            if gaps.is_empty() {
                "the password policy meets the bar".to_owned()
            } else {
                format!("weak password policy: {}", gaps.join("; "))
            },
        )
        .with_evidence(json!({"password_policy": pp, "gaps": gaps}))
    })
}

fn threat_protection(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let mode = s.advanced_security_mode.as_deref().unwrap_or("OFF");
        let message = match mode {
            "ENFORCED" => "threat protection is enforced (full function)".to_owned(),
            "AUDIT" => "threat protection only audits: risky sign-ins are not blocked".to_owned(),
            _ => "threat protection is off".to_owned(),
        };
        Outcome::pass_if(mode == "ENFORCED", POOL, &p.arn, message).with_evidence(json!({
            "advanced_security_mode": mode,
            "custom_auth_mode": s.advanced_security_custom_auth_mode,
        }))
    })
}

fn deletion_protection(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let on = s.deletion_protection.as_deref() == Some("ACTIVE");
        Outcome::pass_if(
            on,
            POOL,
            &p.arn,
            if on {
                "deletion protection is active"
            } else {
                "the pool can be deleted without first lifting a protection"
            },
        )
        .with_evidence(json!({"deletion_protection": s.deletion_protection}))
    })
}

fn self_signup(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_pool_settings(inv, |p, s| {
        let admin_only = s.allow_admin_create_user_only == Some(true);
        Outcome::pass_if(
            admin_only,
            POOL,
            &p.arn,
            if admin_only {
                "only administrators can create users"
            } else {
                "anyone can sign up to this pool; confirm the app is meant to be public"
            },
        )
        .with_evidence(json!({
            "allow_admin_create_user_only": s.allow_admin_create_user_only,
            "auto_verified_attributes": s.auto_verified_attributes,
        }))
    })
}

fn no_user_password_auth(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_client(inv, |c, s| {
        let plain: Vec<&String> = s
            .explicit_auth_flows
            .iter()
            .filter(|f| {
                matches!(
                    f.as_str(),
                    "ALLOW_USER_PASSWORD_AUTH" | "USER_PASSWORD_AUTH"
                )
            })
            .collect();
        client_outcome(
            plain.is_empty(),
            c,
            if plain.is_empty() {
                "the client does not accept plain passwords".to_owned()
            } else {
                "the client allows USER_PASSWORD_AUTH: passwords are sent in clear to Cognito instead of SRP".to_owned()
            },
        )
        .with_evidence(json!({"client_id": c.id, "explicit_auth_flows": s.explicit_auth_flows}))
    })
}

fn no_implicit_flow(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_client(inv, |c, s| {
        let implicit = s.allowed_oauth_flows.iter().any(|f| f == "implicit");
        client_outcome(
            !implicit,
            c,
            if implicit {
                "the client allows the OAuth implicit grant: tokens travel in redirect URLs"
                    .to_owned()
            } else {
                "the client does not use the implicit grant".to_owned()
            },
        )
        .with_evidence(json!({"client_id": c.id, "allowed_oauth_flows": s.allowed_oauth_flows}))
    })
}

/// `http://` to anything but the loopback host (development).
fn insecure_callback(url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| &h[1..])
    } else {
        host.split(':').next().unwrap_or(host)
    };
    !matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

fn callback_urls_https(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_client(inv, |c, s| {
        let insecure: Vec<&String> = s
            .callback_urls
            .iter()
            .filter(|u| insecure_callback(u))
            .collect();
        client_outcome(
            insecure.is_empty(),
            c,
            if insecure.is_empty() {
                "no callback URL uses plain HTTP".to_owned()
            } else {
                format!(
                    "callback URLs over plain HTTP: {}",
                    insecure
                        .iter()
                        .map(|u| u.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        )
        .with_evidence(
            json!({"client_id": c.id, "callback_urls": s.callback_urls, "insecure": insecure}),
        )
    })
}

fn prevent_user_existence_errors(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_client(inv, |c, s| {
        let on = s.prevent_user_existence_errors.as_deref() == Some("ENABLED");
        client_outcome(
            on,
            c,
            if on {
                "unknown users get the same error as wrong passwords".to_owned()
            } else {
                "error answers reveal whether a username exists".to_owned()
            },
        )
        .with_evidence(json!({"client_id": c.id, "prevent_user_existence_errors": s.prevent_user_existence_errors}))
    })
}

fn refresh_token_validity(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_client(inv, |c, s| {
        let secs = s.refresh_token_seconds();
        let days = secs / 86_400;
        let ok = secs <= MAX_REFRESH_TOKEN_DAYS * 86_400;
        client_outcome(
            ok,
            c,
            if ok {
                format!("refresh tokens expire after {days} days at most")
            } else {
                format!("refresh tokens stay valid {days} days (> {MAX_REFRESH_TOKEN_DAYS})")
            },
        )
        .with_evidence(json!({
            "client_id": c.id,
            "refresh_token_validity": s.refresh_token_validity,
            "unit": s.refresh_token_unit,
            "seconds": secs,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::inventory::CognitoRegion;
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};

    /// A pool that passes every check, with one client that does too.
    fn good_pool(id: &str) -> UserPool {
        crate::testing::workloads::user_pool(ACCOUNT, "us-east-1", id)
    }

    fn inv(pools: Vec<UserPool>) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().cognito = Some(
            [(home, Ok(CognitoRegion { user_pools: pools }))]
                .into_iter()
                .collect(),
        );
        b.build()
    }

    fn settings(p: &mut UserPool) -> &mut UserPoolSettings {
        p.settings.as_mut().unwrap()
    }

    fn client(p: &mut UserPool) -> &mut AppClientSettings {
        p.clients.as_mut().unwrap()[0].settings.as_mut().unwrap()
    }

    fn run(id: &str, pools: Vec<UserPool>) -> Vec<Outcome> {
        let check = CHECKS.iter().find(|c| c.meta.id == id).unwrap();
        (check.eval)(&inv(pools), now())
    }

    /// The status of check `id` for the pool (or its client) `pool`.
    fn status(out: &[Outcome], pool: &str) -> Status {
        let found: Vec<&Outcome> = out
            .iter()
            .filter(|o| o.resource_arn.contains(&format!("userpool/{pool}")))
            .collect();
        assert_eq!(found.len(), 1, "{out:#?}");
        found[0].status
    }

    #[test]
    fn a_well_configured_pool_passes_every_check() {
        for check in CHECKS {
            let out = (check.eval)(&inv(vec![good_pool("good")]), now());
            assert_eq!(out.len(), 1, "{}", check.meta.id);
            assert_eq!(out[0].status, Status::Pass, "{}: {:#?}", check.meta.id, out);
        }
    }

    #[test]
    fn mfa_off_fails_both_mfa_checks_and_optional_fails_only_the_required_one() {
        let mut off = good_pool("off");
        settings(&mut off).mfa_configuration = Some("OFF".into());
        let mut optional = good_pool("optional");
        settings(&mut optional).mfa_configuration = Some("OPTIONAL".into());
        let pools = vec![off, optional, good_pool("on")];
        let enabled = run("cognito_user_pool_mfa_enabled", pools.clone());
        let required = run("cognito_user_pool_mfa_required", pools);
        assert_eq!(status(&enabled, "off"), Status::Fail);
        assert_eq!(status(&enabled, "optional"), Status::Pass);
        assert_eq!(status(&required, "off"), Status::Fail);
        assert_eq!(status(&required, "optional"), Status::Fail);
        assert_eq!(status(&required, "on"), Status::Pass);
    }

    #[test]
    fn sms_only_mfa_fails_the_totp_check_and_pools_without_mfa_are_skipped() {
        let mut sms = good_pool("sms");
        sms.mfa = Ok(UserPoolMfaConfig {
            mfa_configuration: Some("ON".into()),
            software_token_enabled: false,
            sms_enabled: true,
            email_enabled: false,
        });
        let mut off = good_pool("off");
        off.mfa.as_mut().unwrap().mfa_configuration = Some("OFF".into());
        let out = run("cognito_user_pool_mfa_totp_enabled", vec![sms, off]);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(status(&out, "sms"), Status::Fail);
        assert!(out[0].message.contains("SMS"), "{}", out[0].message);
    }

    #[test]
    fn short_passwords_missing_classes_and_long_temporary_passwords_fail() {
        let mut short = good_pool("short");
        settings(&mut short)
            .password_policy
            .as_mut()
            .unwrap()
            .minimum_length = Some(8);
        let mut no_symbols = good_pool("nosym");
        settings(&mut no_symbols)
            .password_policy
            .as_mut()
            .unwrap()
            .require_symbols = Some(false);
        let mut temp = good_pool("temp");
        settings(&mut temp)
            .password_policy
            .as_mut()
            .unwrap()
            .temporary_password_validity_days = Some(30);
        let out = run(
            "cognito_user_pool_password_policy_strong",
            vec![short, no_symbols, temp, good_pool("good")],
        );
        assert_eq!(status(&out, "short"), Status::Fail);
        assert_eq!(status(&out, "nosym"), Status::Fail);
        assert_eq!(status(&out, "temp"), Status::Fail);
        assert_eq!(status(&out, "good"), Status::Pass);
    }

    #[test]
    fn threat_protection_in_audit_mode_or_off_fails() {
        let mut audit = good_pool("audit");
        settings(&mut audit).advanced_security_mode = Some("AUDIT".into());
        let mut off = good_pool("off");
        settings(&mut off).advanced_security_mode = None;
        let out = run(
            "cognito_user_pool_threat_protection_enforced",
            vec![audit, off, good_pool("on")],
        );
        assert_eq!(status(&out, "audit"), Status::Fail);
        assert_eq!(status(&out, "off"), Status::Fail);
        assert_eq!(status(&out, "on"), Status::Pass);
    }

    #[test]
    fn unprotected_pools_and_open_sign_up_fail() {
        let mut p = good_pool("p");
        settings(&mut p).deletion_protection = Some("INACTIVE".into());
        settings(&mut p).allow_admin_create_user_only = Some(false);
        let out = run("cognito_user_pool_deletion_protection", vec![p.clone()]);
        assert_eq!(status(&out, "p"), Status::Fail);
        let out = run("cognito_user_pool_self_signup_disabled", vec![p]);
        assert_eq!(status(&out, "p"), Status::Fail);
    }

    #[test]
    fn risky_app_client_settings_fail_their_checks() {
        let mut p = good_pool("p");
        let c = client(&mut p);
        c.explicit_auth_flows
            .push("ALLOW_USER_PASSWORD_AUTH".into());
        c.allowed_oauth_flows.push("implicit".into());
        c.callback_urls.push("http://app.example.com/cb".into());
        c.prevent_user_existence_errors = Some("LEGACY".into());
        c.refresh_token_validity = Some(3650);
        for id in [
            "cognito_client_no_user_password_auth",
            "cognito_client_no_implicit_oauth_flow",
            "cognito_client_callback_urls_https",
            "cognito_client_prevent_user_existence_errors",
            "cognito_client_refresh_token_validity",
        ] {
            let out = run(id, vec![p.clone()]);
            assert_eq!(out.len(), 1, "{id}");
            assert_eq!(out[0].status, Status::Fail, "{id}");
            assert!(
                out[0].resource_arn.ends_with("userpool/p/client/client1"),
                "{}",
                out[0].resource_arn
            );
        }
    }

    #[test]
    fn refresh_token_validity_honours_its_unit() {
        let mut hours = good_pool("hours");
        client(&mut hours).refresh_token_validity = Some(2000);
        client(&mut hours).refresh_token_unit = Some("hours".into());
        let mut default = good_pool("default");
        client(&mut default).refresh_token_validity = None;
        client(&mut default).refresh_token_unit = None;
        let out = run(
            "cognito_client_refresh_token_validity",
            vec![hours, default],
        );
        assert_eq!(status(&out, "hours"), Status::Pass);
        assert_eq!(status(&out, "default"), Status::Pass);
    }

    #[test]
    fn plain_http_callbacks_are_insecure_except_on_loopback() {
        assert!(insecure_callback("http://app.example.com/cb"));
        assert!(insecure_callback("HTTP://localhost.evil.com/"));
        assert!(insecure_callback("http://localhost@evil.com/"));
        assert!(!insecure_callback("http://localhost:8080/cb"));
        assert!(!insecure_callback("http://127.0.0.1/cb"));
        assert!(!insecure_callback("http://[::1]:3000/"));
        assert!(!insecure_callback("https://app.example.com/cb"));
        assert!(!insecure_callback("myapp://callback"));
    }

    #[test]
    fn data_that_could_not_be_read_is_an_error_for_every_check() {
        let mut p = good_pool("p");
        p.settings = Err(access_denied());
        p.mfa = Err(access_denied());
        p.clients.as_mut().unwrap()[0].settings = Err(access_denied());
        let mut unlisted = good_pool("unlisted");
        unlisted.clients = Err(access_denied());
        for check in CHECKS {
            let out = (check.eval)(&inv(vec![p.clone(), unlisted.clone()]), now());
            assert!(
                out.iter()
                    .filter(|o| o.resource_arn.contains("userpool/p"))
                    .all(|o| o.status == Status::Error),
                "{}: {out:#?}",
                check.meta.id
            );
        }
        let out = run("cognito_client_no_user_password_auth", vec![unlisted]);
        assert_eq!(out[0].status, Status::Error);
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().cognito = Some([(home, Err(access_denied()))].into_iter().collect());
        let inv = b.build();
        for check in CHECKS {
            let out = (check.eval)(&inv, now());
            assert_eq!(out.len(), 1, "{}", check.meta.id);
            assert_eq!(out[0].status, Status::Error, "{}", check.meta.id);
        }
        let out = mfa_enabled(&InventoryBuilder::new().build(), now());
        assert_eq!(out[0].status, Status::Error);
    }
}
