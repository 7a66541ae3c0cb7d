//! The web application's tests, in-process (no server, no browser): access control, sessions,
//! security headers, the workflow through the pages and the API, and the case form.

mod access;
mod flows;
mod form;
mod support;
