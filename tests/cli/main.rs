//! The command line as a whole: extract, reports, config, README, CI files.
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

#[path = "../common/mod.rs"]
mod common;
#[path = "../mock_archive/mod.rs"]
mod mock_archive;
#[path = "../schema_validator/mod.rs"]
mod schema_validator;

mod ci_files;
mod extract;
mod pipeline_archive;
mod pipeline_config;
mod pipeline_store;
mod readme;
mod report_formats;
mod shell;
