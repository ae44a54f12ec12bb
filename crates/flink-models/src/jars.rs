//! Jars: upload, list, plan and run answers and request bodies.
