package io.ferry.restoring;

import io.ferry.core.events.MessageCodec;
import io.ferry.core.events.MigrationMessage;
import io.ferry.core.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/** Receives the commands addressed to this host's restore side (ferry.host.ID.restore). */
@Configuration(proxyBeanMethods = false)
public class RestoreCommandListener {
    private static final Logger log = LoggerFactory.getLogger(RestoreCommandListener.class);

    private final TargetCommands commands;

    public RestoreCommandListener(TargetCommands commands) {
        this.commands = commands;
    }

    @Bean
    NewTopic restoreCommandTopic(@Value("${ferry.host.id}") String hostId) {
        return TopicBuilder.name(Topics.restoreCommands(hostId)).partitions(1).build();
    }

    @KafkaListener(topics = "#{T(io.ferry.core.events.Topics).restoreCommands('${ferry.host.id}')}",
            groupId = "ferry.host.${ferry.host.id}.restore")
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
