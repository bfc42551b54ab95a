//! The seam between the generated client and whoever sends its requests.
//!
//! Every generated operation builds its `reqwest::Request` and then calls the
//! client's hooks: `pre` with the request before it leaves, `exec` to send
//! it. The hooks here first put the request into the official SDKs' wire form
//! (see [`crate::wire`]), then hand it to an optional [`Interceptor`]: the
//! place where authentication, signing and transport policy plug in without
//! touching generated code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::Client;

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Code that sees each request after it is fully built and decides how it
/// is sent.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Called with the final request, in wire form, just before it is sent:
    /// add or sign headers here. An `Err` stops the request; its text comes
    /// back as [`Error::Custom`].
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        let _ = (request, operation);
        Box::pin(async { Ok(()) })
    }

    /// Sends the request. The default sends it once with `client`.
    fn send<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let _ = operation;
        Box::pin(client.execute(request))
    }
}

/// The generated client's inner value: an optional [`Interceptor`].
#[derive(Clone, Default)]
pub struct Hooks {
    interceptor: Option<Arc<dyn Interceptor>>,
}

impl Hooks {
    /// Hooks that hand every request to `interceptor`.
    pub fn new(interceptor: Arc<dyn Interceptor>) -> Self {
        Hooks {
            interceptor: Some(interceptor),
        }
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("interceptor", &self.interceptor)
            .finish()
    }
}

/// Takes precedence over the generated no-op `impl ClientHooks for &Client`,
/// because method lookup tries the receiver type `&Client` first.
impl ClientHooks<Hooks> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // progenitor adds `api-version: <info.version>` to every request.
        // Huawei's gateway does not use it and the official SDKs do not send
        // it; left in, it would also become part of the signature.
        request.headers_mut().remove("api-version");
        crate::wire::normalize(request.url_mut());

        match &self.inner.interceptor {
            Some(interceptor) => interceptor
                .before_send(request, info.operation_id)
                .await
                .map_err(Error::Custom),
            None => Ok(()),
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner.interceptor {
            Some(interceptor) => {
                interceptor
                    .send(&self.client, request, info.operation_id)
                    .await
            }
            None => self.client.execute(request).await,
        }
    }
}
