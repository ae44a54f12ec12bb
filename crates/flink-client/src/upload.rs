//! Streamed multipart upload of jars (`POST /jars/upload`): constant memory, progress reports.
