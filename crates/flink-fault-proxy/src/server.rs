//! The listener and its connections: HTTP/1.1 served by hyper, each request to the handler.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::handler::Handler;
use crate::reset::{ResetSwitch, ResettableStream};

/// Accepts connections until dropped; dropping it also ends every connection it accepted.
pub(crate) async fn accept(listener: TcpListener, handler: Arc<Handler>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => {
                    connections.spawn(serve(tcp, Arc::clone(&handler)));
                }
                // Out of file descriptors, most likely: give the connections time to end.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves the requests of one connection.
async fn serve(tcp: TcpStream, handler: Arc<Handler>) {
    let reset = ResetSwitch::default();
    let stream = ResettableStream::new(tcp, reset.clone());
    let service = service_fn(move |request| Arc::clone(&handler).handle(request, reset.clone()));
    // A connection that breaks (a reset, a cut, a client that left) is the point of a fault.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
