package flinklocal;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.io.FileOutputStream;
import java.io.ObjectOutputStream;

/**
 * Tiny streaming job for exercising the Flink REST API (compiles against Flink 1.20.x and 2.x,
 * runs on 1.15 to 1.19 too).
 *
 * <p>Topology: rate-limited DataGeneratorSource (with watermarks) -> keyBy(v % 8) -> stateful
 * counting map -> DiscardingSink. Checkpointing is always enabled.
 *
 * <p>Arguments (all optional):
 *
 * <pre>
 *   --count N                bounded: emit N records then FINISH (default: unbounded, runs until cancelled)
 *   --rate R                 records per second over all source subtasks (default 10; 0 = unlimited)
 *   --fail-after N           throw a RuntimeException when the record with value N is processed -> FAILED
 *   --restarts K             fixed-delay restart attempts (1 s delay); default 0 when --fail-after is given,
 *                            otherwise the cluster default restart strategy is used
 *   --checkpoint-interval MS checkpoint interval in ms (default 2000)
 *   --name NAME              job name (default flink-rs-testjob)
 *   --print                  also print every record to the TaskManager's stdout (.out file)
 *   --counter-uid UID        the uid of the stateful counter (default count-per-key); another uid leaves
 *                            the counter state of a savepoint unclaimed (allowNonRestoredState tests)
 *   --write-job-graph FILE   do not run: compile the same pipeline into a JobGraph and write it to FILE
 *                            in Java serialization, as Flink's own client sends it to POST /jobs
 * </pre>
 *
 * <p>A serialized JobGraph fits only the Flink version it was written with, so run
 * {@code --write-job-graph} with that version's {@code lib/*} on the classpath.
 */
public final class TestJob {

    private TestJob() {}

    public static void main(String[] args) throws Exception {
        long count = Long.MAX_VALUE;
        double rate = 10.0;
        long failAfter = -1L;
        int restarts = -1;
        long checkpointInterval = 2000L;
        String name = "flink-rs-testjob";
        boolean print = false;
        String counterUid = "count-per-key";
        String jobGraphFile = null;

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--count":
                    count = Long.parseLong(args[++i]);
                    break;
                case "--rate":
                    rate = Double.parseDouble(args[++i]);
                    break;
                case "--fail-after":
                    failAfter = Long.parseLong(args[++i]);
                    break;
                case "--restarts":
                    restarts = Integer.parseInt(args[++i]);
                    break;
                case "--checkpoint-interval":
                    checkpointInterval = Long.parseLong(args[++i]);
                    break;
                case "--name":
                    name = args[++i];
                    break;
                case "--print":
                    print = true;
                    break;
                case "--counter-uid":
                    counterUid = args[++i];
                    break;
                case "--write-job-graph":
                    jobGraphFile = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("Unknown argument: " + a);
            }
        }
        if (failAfter >= 0 && restarts < 0) {
            restarts = 0;
        }

        Configuration conf = new Configuration();
        if (restarts == 0) {
            setRestartStrategy(conf, "none");
        } else if (restarts > 0) {
            setRestartStrategy(conf, "fixed-delay");
            conf.set(
                    ConfigOptions.key("restart-strategy.fixed-delay.attempts").intType().noDefaultValue(),
                    restarts);
            conf.set(
                    ConfigOptions.key("restart-strategy.fixed-delay.delay").stringType().noDefaultValue(),
                    "1 s");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(checkpointInterval);

        WatermarkStrategy<Long> watermarks =
                WatermarkStrategy.<Long>forMonotonousTimestamps()
                        .withTimestampAssigner((value, ts) -> System.currentTimeMillis());
        boolean modern = hasClass("org.apache.flink.connector.datagen.source.DataGeneratorSource");
        DataStream<Long> numbers =
                modern
                        ? Modern.numbers(env, count, rate, watermarks)
                        : Legacy.numbers(env, count, rate, watermarks);

        DataStream<String> counted =
                numbers.keyBy(new ModKey())
                        .map(new CountPerKey(failAfter))
                        .name("count-per-key")
                        .uid(counterUid);

        if (print) {
            counted.print().name("print");
        }
        if (modern) {
            Modern.discard(counted);
        } else {
            Legacy.discard(counted);
        }

        if (jobGraphFile != null) {
            writeJobGraph(env, name, jobGraphFile);
            return;
        }
        env.execute(name);
    }

    /**
     * Compiles the pipeline into a JobGraph (with a fresh random job id) and writes it with
     * Java serialization, the form {@code POST /jobs} reads. The job's classes are not in the
     * graph: the submission sends this jar alongside it.
     */
    private static void writeJobGraph(StreamExecutionEnvironment env, String name, String file)
            throws Exception {
        StreamGraph streamGraph = env.getStreamGraph();
        streamGraph.setJobName(name);
        JobGraph jobGraph = streamGraph.getJobGraph();
        try (ObjectOutputStream out = new ObjectOutputStream(new FileOutputStream(file))) {
            out.writeObject(jobGraph);
        }
        System.out.println(jobGraph.getJobID());
    }

    /**
     * Sets the restart strategy under both of its keys: Flink 1.17 renamed {@code
     * restart-strategy} to {@code restart-strategy.type}, and 1.15 and 1.16 know only the old
     * key (a job meant to fail would restart forever there). Later versions read the new key
     * and ignore the old one or take it as its deprecated name.
     */
    private static void setRestartStrategy(Configuration conf, String strategy) {
        for (String key : new String[] {"restart-strategy.type", "restart-strategy"}) {
            conf.set(ConfigOptions.key(key).stringType().noDefaultValue(), strategy);
        }
    }

    private static boolean hasClass(String name) {
        try {
            Class.forName(name, false, TestJob.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Source and sink of Flink 1.19 and newer: the rate-limited data generator and the sink-v2
     * discarding sink. Kept in their own class so that older runtimes never load them.
     */
    private static final class Modern {
        static DataStream<Long> numbers(
                StreamExecutionEnvironment env,
                long count,
                double rate,
                WatermarkStrategy<Long> watermarks) {
            RateLimiterStrategy limiter =
                    rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp();
            DataGeneratorSource<Long> source =
                    new DataGeneratorSource<>(new Identity(), count, limiter, Types.LONG);
            return env.fromSource(source, watermarks, "numbers").uid("numbers");
        }

        static void discard(DataStream<String> counted) {
            counted.sinkTo(new DiscardingSink<>()).name("discard").uid("discard");
        }
    }

    /**
     * Source and sink for Flink 1.15 to 1.18, whose distribution has neither: a number sequence
     * slowed down by a pause per record, and a print sink that never receives a record.
     */
    private static final class Legacy {
        static DataStream<Long> numbers(
                StreamExecutionEnvironment env,
                long count,
                double rate,
                WatermarkStrategy<Long> watermarks) {
            long last = count == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : count - 1;
            return env.fromSequence(0, last)
                    .name("numbers")
                    .uid("numbers")
                    .map(new Throttle(rate))
                    .name("throttle")
                    .assignTimestampsAndWatermarks(watermarks);
        }

        static void discard(DataStream<String> counted) {
            counted.filter(record -> false).name("discard").print().name("discard");
        }
    }

    /** Pauses so that a parallel-1 source emits about `rate` records a second. */
    public static final class Throttle extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        private final long pauseMillis;

        public Throttle(double rate) {
            this.pauseMillis = rate > 0 ? (long) (1000.0 / rate) : 0L;
        }

        @Override
        public Long map(Long value) throws Exception {
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
            return value;
        }
    }

    /** Generator: emits the sequence index itself. */
    public static final class Identity implements GeneratorFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value;
        }
    }

    /** Key: value modulo 8. */
    public static final class ModKey implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return value % 8;
        }
    }

    /** Keyed state: number of records seen per key. Optionally fails on a given value. */
    public static final class CountPerKey extends RichMapFunction<Long, String> {
        private static final long serialVersionUID = 1L;

        private final long failAfter;
        private transient ValueState<Long> seen;

        public CountPerKey(long failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public String map(Long value) throws Exception {
            if (failAfter >= 0 && value >= failAfter) {
                throw new RuntimeException(
                        "flink-rs-testjob: intentional failure at record " + value);
            }
            if (seen == null) {
                // Lazily obtained so that no open(...) override is needed (its signature
                // differs between Flink 1.x and 2.x).
                seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
            }
            Long current = seen.value();
            long next = current == null ? 1L : current + 1L;
            seen.update(next);
            return "key=" + (value % 8) + " value=" + value + " seen=" + next;
        }
    }
}
