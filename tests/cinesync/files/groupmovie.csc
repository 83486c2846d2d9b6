<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard" userData="{&quot;syncd&quot;:{&quot;review&quot;:&quot;r7&quot;}}">
	<group>Edit</group>
    <media>
        <name>edit_reel1_v03.mov</name>
		<locators>
			<path>/mnt/edit/edit_reel1_v03.mov</path>
		</locators>
		<playRange>
			<inFrame value="100" />
			<outFrame value="220" />
			<playOnlyRange value="true" />
		</playRange>
		<group>Edit</group>
    </media>
    <media>
        <name>temp_music.mp4</name>
		<locators>
			<url>http://media.example.org/temp_music.mp4</url>
			<shortHash>a87ff679a2f3e71d9181a67b7542122caabbccdd</shortHash>
		</locators>
    </media>
    <media>
		<groupMovie><group>Edit</group></groupMovie>
    </media>
	<notes>Reel one, first pass.</notes>
</session>
