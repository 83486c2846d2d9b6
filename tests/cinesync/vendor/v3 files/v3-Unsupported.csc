<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="awesome" userData="sessionUserData">
	<notes>These are my session notes.</notes>
</session>
