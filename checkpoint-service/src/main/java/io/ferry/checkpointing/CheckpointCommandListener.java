package io.ferry.checkpointing;

import io.ferry.core.events.MessageCodec;
import io.ferry.core.events.MigrationMessage;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/** Receives the commands addressed to this host's checkpoint side (ferry.host.ID.checkpoint). */
@Configuration(proxyBeanMethods = false)
public class CheckpointCommandListener {
    private static final Logger log = LoggerFactory.getLogger(CheckpointCommandListener.class);

    private final SourceCommands commands;

    public CheckpointCommandListener(SourceCommands commands) {
        this.commands = commands;
    }

    /** The host creates its own command topic (one partition keeps its commands in order). */
    @Bean
    NewTopic checkpointCommandTopic(@Value("${ferry.host.id}") String hostId) {
        return TopicBuilder.name(io.ferry.core.events.Topics.checkpointCommands(hostId)).partitions(1).build();
    }

    @KafkaListener(topics = "#{T(io.ferry.core.events.Topics).checkpointCommands('${ferry.host.id}')}",
            groupId = "ferry.host.${ferry.host.id}.checkpoint")
    public void on(String json) {
        MigrationMessage message;
        try {
            message = MessageCodec.decode(json);
        } catch (IllegalArgumentException e) {
            log.error("ignoring a message that is not a Ferry command: {}", e.getMessage());
            return;
        }
        if (message instanceof MigrationMessage.Command command) {
            commands.handle(command);
        } else {
            log.warn("ignoring {} on a command topic", message.type());
        }
    }
}
