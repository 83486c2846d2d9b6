<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="4" sessionFeatures="standard" userData="from a newer cineSync">
	<notes>Saved by a later release.</notes>
</session>
