//! IAM checks: the root user, password policy, console MFA, credential hygiene, how
//! permissions are granted, support access, certificates and IAM Access Analyzer.

mod access;
mod account;
mod credentials;
mod policies;

use super::Check;

pub(super) const CHECKS: &[Check] = &[
    check!(
        Iam,
        "iam_root_access_keys_absent",
        "The root user has no access keys",
        Critical,
        "Root access keys give unrestricted, unconditional access to the whole account and cannot be limited by any policy. A leaked root key is a total compromise.",
        "Sign in as root → Security credentials → Access keys → Delete each key.",
        "(as root) aws iam list-access-keys && aws iam delete-access-key --access-key-id <id>",
        account::root_access_keys
    ),
    check!(
        Iam,
        "iam_root_mfa_enabled",
        "The root user signs in with MFA",
        Critical,
        "Without MFA, the root user's password alone opens the account. MFA stops credential stuffing and phishing of the most powerful identity.",
        "Sign in as root → Security credentials → Multi-factor authentication → Assign MFA device (prefer a security key). Root MFA is assigned in the console; the CLI can only verify it.",
        "aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'",
        account::root_mfa
    ),
    check!(
        Iam,
        "iam_root_hardware_mfa",
        "The root user uses a hardware MFA device",
        High,
        "A virtual MFA lives on a phone or laptop that can be lost, cloned or compromised; a hardware key (FIDO security key or hardware TOTP token) cannot be copied remotely.",
        "Sign in as root → Security credentials → Multi-factor authentication → assign a security key or hardware TOTP token, then remove the virtual device. The CLI can only list root's virtual device.",
        "aws iam list-virtual-mfa-devices --assignment-status Assigned --query \"VirtualMFADevices[?ends_with(User.Arn, ':root')].SerialNumber\"",
        account::root_hardware_mfa
    ),
    check!(
        Iam,
        "iam_root_not_used_recently",
        "The root user is not used for everyday tasks",
        High,
        "Root should be kept for the few tasks only it can do. Recent sign-ins or key use by root suggest daily use of an identity that no policy can restrain.",
        "Create administrators through IAM Identity Center or IAM roles, lock the root credentials away, and investigate the recent root activity in CloudTrail.",
        "aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d | grep '<root_account>'",
        account::root_not_used
    ),
    check!(
        Iam,
        "iam_password_policy_min_length",
        "The password policy requires at least 14 characters",
        Medium,
        "Long passwords resist guessing and cracking far better than complex short ones.",
        "IAM → Account settings → Password policy → Edit → Minimum length 14.",
        "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24",
        account::password_min_length
    ),
    check!(
        Iam,
        "iam_password_policy_reuse",
        "The password policy prevents reuse of the last 24 passwords",
        Medium,
        "Preventing reuse stops users from cycling back to a password that may already be compromised.",
        "IAM → Account settings → Password policy → Edit → Prevent password reuse: 24.",
        "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24",
        account::password_reuse
    ),
    check!(
        Iam,
        "iam_password_policy_strong",
        "The password policy requires upper and lower case, numbers and symbols",
        Medium,
        "A strong password policy (AWS FSBP defaults: upper and lower case letters, numbers, symbols, at least 8 characters) raises the cost of guessing IAM user passwords.",
        "IAM → Account settings → Password policy → Edit → require uppercase, lowercase, numbers and non-alphanumeric characters.",
        "aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --password-reuse-prevention 24",
        account::password_strong
    ),
    check!(
        Iam,
        "iam_console_users_have_mfa",
        "IAM users with a console password have MFA",
        High,
        "A console password without MFA can be phished or guessed; MFA is the control that keeps a stolen password from becoming a session.",
        "IAM → Users → the user → Security credentials → Assign MFA device (or require MFA through a policy and have the user enrol).",
        "aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 <c1> --authentication-code2 <c2>",
        credentials::console_users_mfa
    ),
    check!(
        Iam,
        "iam_users_have_mfa",
        "Every IAM user has MFA",
        Medium,
        "MFA on every IAM user, not only console users, makes MFA-conditioned policies effective and protects the user if a password is added later.",
        "IAM → Users → the user → Security credentials → Assign MFA device.",
        "aws iam enable-mfa-device --user-name <user> --serial-number <arn> --authentication-code1 <c1> --authentication-code2 <c2>",
        credentials::all_users_mfa
    ),
    check!(
        Iam,
        "iam_no_access_keys_at_initial_setup",
        "Console users did not get unused access keys at creation",
        Low,
        "Access keys created together with a console user and never used are credentials nobody needs, waiting to leak.",
        "IAM → Users → the user → Security credentials → Access keys → Deactivate and delete the unused key.",
        "aws iam delete-access-key --user-name <user> --access-key-id <id>",
        credentials::no_keys_at_setup
    ),
    check!(
        Iam,
        "iam_unused_credentials_disabled_45_days",
        "Credentials unused for 45 days or more are disabled",
        Medium,
        "Passwords and access keys that nobody uses only add attack surface; disabling them after 45 days of disuse removes credentials that would never be missed.",
        "IAM → Users → the user → Security credentials: remove the console password and deactivate access keys unused for 45 days.",
        "aws iam delete-login-profile --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive",
        credentials::unused_45
    ),
    check!(
        Iam,
        "iam_unused_credentials_90_days",
        "Credentials unused for 90 days or more are disabled",
        Medium,
        "Credentials unused for three months are almost certainly abandoned; AWS FSBP asks for them to be removed.",
        "IAM → Users → the user → Security credentials: remove the console password and deactivate access keys unused for 90 days.",
        "aws iam delete-login-profile --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive",
        credentials::unused_90
    ),
    check!(
        Iam,
        "iam_single_active_access_key",
        "Each IAM user has at most one active access key",
        Medium,
        "Two active keys are only needed briefly while rotating; a standing second key doubles the credentials to protect and usually means one is forgotten.",
        "IAM → Users → the user → Security credentials → Access keys → deactivate and delete the key no longer in use.",
        "aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive && aws iam delete-access-key --user-name <user> --access-key-id <id>",
        credentials::single_active_key
    ),
    check!(
        Iam,
        "iam_access_keys_rotated_90_days",
        "Active access keys are rotated within 90 days",
        Medium,
        "Long-lived keys accumulate copies in scripts, laptops and CI systems; rotating at least every 90 days limits how long a leaked key stays useful.",
        "IAM → Users → the user → Security credentials → Create access key, switch the workload to it, then deactivate and delete the old key.",
        "aws iam create-access-key --user-name <user>; aws iam update-access-key --user-name <user> --access-key-id <old> --status Inactive; aws iam delete-access-key --user-name <user> --access-key-id <old>",
        credentials::keys_rotated
    ),
    check!(
        Iam,
        "iam_user_permissions_through_groups",
        "IAM users receive permissions only through groups",
        Low,
        "Permissions attached to individual users are hard to review and tend to drift; granting through groups (or roles) keeps access consistent with job function.",
        "IAM → Users → the user → Permissions: move each attached or inline policy to a group and add the user to it.",
        "aws iam add-user-to-group --group-name <group> --user-name <user> && aws iam detach-user-policy --user-name <user> --policy-arn <arn>",
        policies::permissions_through_groups
    ),
    check!(
        Iam,
        "iam_no_full_admin_policies",
        "No attached customer-managed policy allows `*` on `*`",
        High,
        "A policy allowing every action on every resource makes its holders full administrators; least privilege starts with removing such grants from custom policies.",
        "IAM → Policies → the policy → Edit: replace `\"Action\": \"*\"` with the actions actually needed, or detach it.",
        "aws iam create-policy-version --policy-arn <arn> --policy-document file://least-privilege.json --set-as-default",
        policies::no_full_admin_managed
    ),
    check!(
        Iam,
        "iam_no_full_admin_inline_policies",
        "No inline policy allows `*` on `*`",
        High,
        "An inline policy granting every action on every resource hides full administrator rights inside one user, group or role, out of sight of policy reviews.",
        "IAM → the user, group or role → Permissions → the inline policy → Edit or remove it.",
        "aws iam delete-user-policy --user-name <user> --policy-name <name> (or delete-group-policy --group-name, delete-role-policy --role-name)",
        policies::no_full_admin_inline
    ),
    check!(
        Iam,
        "iam_support_role_exists",
        "A role for incident handling with AWS Support exists",
        Low,
        "A role with the AWSSupportAccess policy lets the incident team open and manage support cases without root or broad administrator access.",
        "IAM → Roles → Create role → trusted entity your account → attach AWSSupportAccess → name it e.g. aws-support.",
        "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
        account::support_role
    ),
    check!(
        Iam,
        "iam_expired_server_certificates_removed",
        "Expired server certificates are removed from IAM",
        Medium,
        "An expired certificate deployed to a load balancer or CloudFront breaks TLS for users and invites them to click through warnings.",
        "Expired IAM server certificates can only be removed through the API or CLI.",
        "aws iam delete-server-certificate --server-certificate-name <name>",
        account::expired_certificates
    ),
    check!(
        Iam,
        "iam_access_analyzer_enabled",
        "IAM Access Analyzer is enabled in every region",
        Medium,
        "Access Analyzer continuously finds resources shared outside the account or organisation (buckets, keys, roles, queues). It works per region, so every region needs one.",
        "IAM → Access analyzer (in each region) → Create analyzer → zone of trust: account or organization.",
        "aws accessanalyzer create-analyzer --analyzer-name account-analyzer --type ACCOUNT --region <region>",
        account::access_analyzer
    ),
    check!(
        Iam,
        "iam_cloudshell_full_access_restricted",
        "AWSCloudShellFullAccess is not attached to anyone",
        Low,
        "CloudShell full access allows uploading and downloading files and running arbitrary tools from inside the console, a convenient path for data exfiltration.",
        "IAM → Policies → AWSCloudShellFullAccess → Entities attached → Detach, and grant a narrower custom policy where needed.",
        "aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
        account::cloudshell_restricted
    ),
    check!(
        Iam,
        "iam_customer_policies_no_wildcard_service_actions",
        "Customer-managed policies do not allow whole services with `service:*`",
        Low,
        "Granting `service:*` includes every present and future action of the service, including destructive and permission-changing ones nobody meant to grant.",
        "IAM → Policies → the policy → Edit: list the specific actions the workload uses (IAM last-accessed data helps).",
        "aws iam create-policy-version --policy-arn <arn> --policy-document file://specific-actions.json --set-as-default",
        policies::no_wildcard_service_actions
    ),
    check!(
        Iam,
        "iam_principal_not_admin_equivalent",
        "Users, groups and roles are not admin-equivalent unless meant to be",
        Medium,
        "A principal that can do everything, or can rewrite permissions on every resource (attach, put or version policies), is an administrator whatever its policies are called. Each one should be deliberate, few, and guarded by MFA or a narrow trust policy. Rampart decides this by evaluating the principal's policies, boundary and explicit denies, not by matching `*:*`.",
        "IAM → the user, group or role → Permissions: replace broad grants with the actions the job needs, or add a permissions boundary; keep a small, named set of administrator roles.",
        "aws iam put-user-permissions-boundary --user-name <user> --permissions-boundary <policy-arn>  # or detach-*/delete-*-policy for the broad grant",
        access::admin_equivalent
    ),
    check!(
        Iam,
        "iam_no_privilege_escalation_paths",
        "No principal can escalate to administrator",
        High,
        "Known IAM primitives (CreatePolicyVersion, Attach/Put*Policy, CreateAccessKey or login profiles on other users, UpdateAssumeRolePolicy, PassRole to a service that runs code, AssumeRole chains) let a limited principal become an administrator in a few calls. Each path is found by evaluating the policies of every step.",
        "Remove the step's grant (the finding lists each step and the statement granting it), scope `iam:PassRole` to specific roles with `iam:PassedToService`, and keep policy-writing actions away from non-administrators.",
        "aws iam get-policy-version --policy-arn <arn> --version-id <v>  # then create-policy-version without the escalating action, --set-as-default",
        access::no_escalation_paths
    ),
    check!(
        Iam,
        "iam_role_trust_not_public",
        "No role can be assumed by anyone",
        Critical,
        "A trust policy naming `*` (or `{\"AWS\": \"*\"}`) without a restricting condition (aws:PrincipalOrgID, aws:SourceAccount, aws:PrincipalArn ...) lets any AWS account in the world assume the role.",
        "IAM → Roles → the role → Trust relationships → Edit: name the accounts or roles that may assume it, or add an aws:PrincipalOrgID condition.",
        "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
        access::trust_not_public
    ),
    check!(
        Iam,
        "iam_role_cross_account_trust_has_external_id",
        "Roles trusted by other accounts require an external id",
        Medium,
        "A third party that assumes roles for many customers can be tricked into acting on the wrong account (the confused deputy) unless each trust requires the external id agreed with that party.",
        "IAM → Roles → the role → Trust relationships → Edit: add a StringEquals condition on sts:ExternalId with the value agreed with the other account.",
        "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-external-id.json",
        access::trust_external_id
    ),
    check!(
        Iam,
        "iam_role_federated_trust_has_audience",
        "Roles trusted by identity providers check the audience",
        High,
        "Without an audience (and, for GitHub Actions, a subject) condition, any application or repository the provider serves can obtain the role: for GitHub's OIDC provider that is every repository on github.com.",
        "IAM → Roles → the role → Trust relationships → Edit: add StringEquals on `<provider>:aud` (and StringLike on `token.actions.githubusercontent.com:sub` to the repository and branch).",
        "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-audience.json",
        access::trust_federated_audience
    ),
    check!(
        Iam,
        "iam_resource_policies_not_shared_outside_account",
        "Resource policies grant nothing to other accounts, or to AWS services without a source condition",
        Low,
        "A bucket, key, topic, vault or API policy that names another account hands that account's administrators access Rampart cannot see from here, and a service principal granted without aws:SourceAccount / aws:SourceArn can be used on behalf of any account (the confused deputy). Each grant should be known and wanted: confirm the accounts are yours, or remove them. Public grants are reported by each service's own check.",
        "Open the resource's policy (S3, KMS, SNS, S3 Glacier or API Gateway console) and remove the other accounts' principals, or restrict service principals with aws:SourceAccount.",
        "aws s3api put-bucket-policy / aws kms put-key-policy / aws sns set-topic-attributes / aws glacier set-vault-access-policy / aws apigateway update-rest-api with the corrected policy",
        access::resources_not_shared
    ),
    check!(
        Iam,
        "iam_principal_uses_the_services_it_may_use",
        "Users and roles are not granted services they have not used in 90 days",
        Low,
        "Least privilege in practice: a service a principal may use but has not touched in 90 days (IAM's service-last-accessed report) is a permission only an attacker would exercise. Judged only when the scan collected that report (`rampart scan --last-accessed`).",
        "IAM → the user or role → Access Advisor: remove the services not used, from its policies or with a permissions boundary.",
        "aws iam generate-service-last-accessed-details --arn <arn> && aws iam get-service-last-accessed-details --job-id <job-id>",
        access::unused_services
    ),
];

#[cfg(test)]
mod builder_inventory_tests;
