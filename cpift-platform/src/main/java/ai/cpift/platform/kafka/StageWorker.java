package ai.cpift.platform.kafka;

import ai.cpift.events.CpiftEvent;
import ai.cpift.events.EventFormatException;
import ai.cpift.events.Topic;
import ai.cpift.events.Topics;
import ai.cpift.events.TrainingProgressed;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A service's consume-handle-produce loop. One input at a time: the input's partitions are paused
 * while the handler runs on its own thread and the loop keeps polling, so a fine-tune of hours never
 * exceeds {@code max.poll.interval.ms} and the instance keeps its partitions. The outputs and the
 * input's offset are committed in one transaction (exactly once); inputs answered before are skipped.
 * On close the in-flight input gets {@link Options#shutdownGrace()} to finish; after that it is handed
 * back uncommitted and another instance (or this one, restarted) handles it again.
 */
public final class StageWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * @param service       the service name: consumer group {@code cpift-<service>}, {@code ce_source} {@code <service>/<instance>}
     * @param instance      this instance's name (pod name), unique among the service's instances
     * @param inputs        topics to consume
     * @param outputs       topics the handler emits to (read to skip inputs answered before)
     * @param shutdownGrace how long close() lets an in-flight input finish
     */
    public record Options(String service, String instance, List<Topic<?>> inputs, List<Topic<?>> outputs, Duration shutdownGrace) {
        public Options {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(instance, "instance");
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            Objects.requireNonNull(shutdownGrace, "shutdown grace");
        }

        public String source() {
            return service + "/" + instance;
        }
    }

    private final KafkaSettings kafka;
    private final Options options;
    private final StageHandler handler;
    private final Thread loop;
    private final ExecutorService work;
    private final EventPublisher progress;
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private volatile boolean running;
    private volatile int assigned;
    private volatile String inFlight;
    private volatile String lastError;
    private volatile long handled;
    private volatile long failed;
    private volatile long duplicates;
    private TopicPartition busy;
    private boolean lost;

    private StageWorker(KafkaSettings kafka, Options options, StageHandler handler) {
        this.kafka = kafka;
        this.options = options;
        this.handler = new RetryingHandler(handler, options.source());
        this.work = Executors.newSingleThreadExecutor(r -> new Thread(r, options.service() + "-handler"));
        this.progress = new EventPublisher(kafka, "cpift-" + options.service() + "-progress-" + options.instance());
        this.loop = new Thread(this::run, options.service() + "-consumer");
    }

    /** Creates missing topics and starts the loop. */
    public static StageWorker start(KafkaSettings kafka, Options options, StageHandler handler) throws java.io.IOException {
        TopicAdmin.ensure(kafka, Topics.ALL);
        StageWorker w = new StageWorker(kafka, options, handler);
        w.running = true;
        w.loop.start();
        return w;
    }

    public WorkerStats stats() {
        return new WorkerStats(running, assigned, inFlight, handled, failed, duplicates, lastError);
    }

    private void run() {
        String group = "cpift-" + options.service();
        String client = group + "-" + options.instance();
        Map<String, Object> cp = kafka.consumer(client, group);
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp);
             AnsweredIndex answered = new AnsweredIndex(kafka, options.service(), client + "-answered", outputsAndFailures())) {
            KafkaProducer<String, byte[]> producer = newProducer(client);
            try {
                consumer.subscribe(options.inputs().stream().map(Topic::name).toList(), listener(consumer));
                while (!stopping) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                        producer = handle(r, consumer, producer, answered);
                        if (stopping) {
                            break;
                        }
                    }
                }
            } finally {
                producer.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.error("{}: the consumer loop stopped: {}", options.source(), e.toString(), e);
        } finally {
            running = false;
            progress.close();
        }
    }

    private KafkaProducer<String, byte[]> handle(ConsumerRecord<String, byte[]> r, KafkaConsumer<String, byte[]> consumer,
                                                 KafkaProducer<String, byte[]> producer, AnsweredIndex answered) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Map<TopicPartition, OffsetAndMetadata> next = Map.of(tp, new OffsetAndMetadata(r.offset() + 1));
        CpiftEvent in;
        try {
            in = Records.decode(r);
        } catch (EventFormatException e) {
            LOG.error("{}: skipping a record that is not a valid event (no pipeline to report it to): {}", options.source(), e.getMessage());
            failed++;
            consumer.commitSync(next);
            return producer;
        }
        if (answered.answered(in.meta().id())) {
            LOG.info("{}: {} {} was answered before; skipped", options.source(), in.type(), in.meta().id());
            duplicates++;
            consumer.commitSync(next);
            return producer;
        }
        busy = tp;
        lost = false;
        inFlight = in.meta().id();
        consumer.pause(consumer.assignment());
        StageContext context = context();
        Future<List<CpiftEvent>> f = work.submit(() -> handler.handle(in, context));
        try {
            while (!f.isDone()) {
                if (stopping && System.nanoTime() > stopDeadline) {
                    LOG.warn("{}: shutting down with {} {} unfinished; it is handed back uncommitted", options.source(), in.type(), in.meta().id());
                    f.cancel(true);
                    return producer;
                }
                for (ConsumerRecord<String, byte[]> other : consumer.poll(POLL)) {
                    // a partition assigned while busy: put the record back for later
                    TopicPartition otp = new TopicPartition(other.topic(), other.partition());
                    consumer.seek(otp, other.offset());
                    consumer.pause(List.of(otp));
                }
            }
            List<CpiftEvent> out;
            try {
                out = f.get();
                handled++;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.warn("{}: {} {} failed: {}", options.source(), in.type(), in.meta().id(), cause.toString());
                out = List.of(Failures.stageFailed(in, options.service(), context().source(), cause));
                failed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return producer;
            }
            if (lost) {
                LOG.warn("{}: partition {} was taken away while handling {}; its new owner handles it again", options.source(), tp, in.meta().id());
                return producer;
            }
            return commit(out, next, consumer, producer, r, answered, in);
        } finally {
            busy = null;
            inFlight = null;
            if (!stopping) {
                consumer.resume(consumer.paused());
            }
        }
    }

    private KafkaProducer<String, byte[]> commit(List<CpiftEvent> out, Map<TopicPartition, OffsetAndMetadata> next,
                                                 KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer,
                                                 ConsumerRecord<String, byte[]> r, AnsweredIndex answered, CpiftEvent in) {
        try {
            producer.beginTransaction();
            for (CpiftEvent e : out) {
                producer.send(Records.of(e));
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            producer.commitTransaction();
            answered.add(in.meta().id());
            LOG.info("{}: answered {} {} with {}", options.source(), in.type(), in.meta().id(), out.stream().map(CpiftEvent::type).toList());
            return producer;
        } catch (KafkaException e) {
            lastError = e.toString();
            LOG.warn("{}: could not commit the answer to {} ({}); it will be handled again", options.source(), in.meta().id(), e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // a fenced producer cannot abort: a new one replaces it
            }
            producer.close(Duration.ofSeconds(5));
            if (consumer.assignment().contains(new TopicPartition(r.topic(), r.partition()))) {
                consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
            }
            return newProducer("cpift-" + options.service() + "-" + options.instance());
        }
    }

    private KafkaProducer<String, byte[]> newProducer(String client) {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer(client, "cpift-" + options.service() + "-" + options.instance()));
        p.initTransactions();
        return p;
    }

    private ConsumerRebalanceListener listener(KafkaConsumer<String, byte[]> consumer) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (busy != null && partitions.contains(busy)) {
                    lost = true;
                }
                assigned = Math.max(0, consumer.assignment().size() - partitions.size());
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (busy != null) {
                    consumer.pause(partitions);
                }
                assigned = consumer.assignment().size();
            }
        };
    }

    private List<Topic<?>> outputsAndFailures() {
        List<Topic<?>> t = new ArrayList<>(options.outputs());
        if (!t.contains(Topics.STAGE_FAILED)) {
            t.add(Topics.STAGE_FAILED);
        }
        return t;
    }

    private StageContext context() {
        return new StageContext() {
            @Override
            public String source() {
                return options.source();
            }

            @Override
            public void progress(TrainingProgressed p) {
                progress.publishLater(p);
            }
        };
    }

    /** Stops polling; lets the in-flight input finish within the grace period, else hands it back. */
    @Override
    public void close() {
        stopDeadline = System.nanoTime() + options.shutdownGrace().toNanos();
        stopping = true;
        try {
            loop.join(options.shutdownGrace().toMillis() + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        work.shutdownNow();
    }
}
