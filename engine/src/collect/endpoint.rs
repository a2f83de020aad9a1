//! SDK interceptors: counting the calls a scan makes, and the S3 Control endpoint fix for
//! emulators and private endpoints.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts every HTTP request sent to AWS, retries included.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(pub(crate) Arc<AtomicU64>);

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "RampartCallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// S3 Control puts the account id in the host name (`123456789012.s3-control...`). With a
/// custom endpoint (`AWS_ENDPOINT_URL`: an emulator on loopback, a proxy) that host cannot
/// resolve, so the account prefix is removed again before signing; the account id still
/// travels in the `x-amz-account-id` header.
#[derive(Debug, Clone)]
pub struct StripAccountHostPrefix {
    pub(crate) account_id: String,
}

impl StripAccountHostPrefix {
    pub fn new(account_id: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
        }
    }

    fn rewrite(&self, uri: &str) -> Option<String> {
        let (scheme, rest) = uri.split_once("://")?;
        let stripped = rest
            .strip_prefix(self.account_id.as_str())?
            .strip_prefix('.')?;
        Some(format!("{scheme}://{stripped}"))
    }
}

impl Intercept for StripAccountHostPrefix {
    fn name(&self) -> &'static str {
        "RampartStripAccountHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = self.rewrite(request.uri()) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_prefix_is_removed_from_the_host_only() {
        let fix = StripAccountHostPrefix {
            account_id: "123456789012".into(),
        };
        assert_eq!(
            fix.rewrite(
                "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
            )
            .as_deref(),
            Some("http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
        );
        assert_eq!(fix.rewrite("http://127.0.0.1:5000/123456789012.x"), None);
    }
}
