//! A job graph plan as Flink shows it (nodes and their inputs), for jars and jobs alike.
