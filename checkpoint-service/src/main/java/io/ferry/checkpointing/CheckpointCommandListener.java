package io.ferry.checkpointing;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/** Receives the commands addressed to this host's checkpoint side (ferry.host.ID.checkpoint). */
@Configuration(proxyBeanMethods = false)
public class CheckpointCommandListener {
    private final SourceCommands commands;

    public CheckpointCommandListener(SourceCommands commands) {
        this.commands = commands;
    }

    /** The host creates its own command topic (one partition keeps its commands in order). */
    @Bean
    NewTopic checkpointCommandTopic(@Value("${ferry.host.id}") String hostId) {
        return TopicBuilder.name(io.ferry.protocol.Topics.checkpointCommands(hostId)).partitions(1).build();
    }

    @KafkaListener(topics = "#{T(io.ferry.protocol.Topics).checkpointCommands('${ferry.host.id}')}",
            groupId = "ferry.host.${ferry.host.id}.checkpoint")
    public void on(String json) {
        commands.onRecord(json);
    }
}
